"""Pages of the managers' space. Thin: the selectors decide who sees what (members only, 404
for anyone else, login first for the anonymous), the services write, the page renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maillage.booking.bounds import id_from_text
from maillage.core.ratelimit import Limit, Throttled, ratelimit_check, ratelimit_hit
from maillage.managers import selectors, services
from maillage.managers.documents import documents_storage
from maillage.managers.forms import (
    CommentForm,
    FeedFilterForm,
    PostForm,
    PreferenceForm,
    add_service_error,
)
from maillage.managers.models import Category
from maillage.managers.notifications import FORMER_MEMBER

PAGE_SIZE = 20
# Members only, but a stolen or runaway session should not flood every member's inbox.
POST_LIMIT = Limit("managers-post", attempts=20, window=3600)
COMMENT_LIMIT = Limit("managers-comment", attempts=60, window=3600)


def _throttle(limit: Limit, request: HttpRequest) -> None:
    check = (limit, str(request.user.pk))
    ratelimit_check(check)
    ratelimit_hit(check)


def _too_many(request: HttpRequest, template: str, context: dict, error: Throttled):
    messages.error(request, error.message)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    selectors.space_member_or_404(request.user)
    form = FeedFilterForm(request.GET or None)
    category = form.cleaned_data["categorie"] if form.is_bound and form.is_valid() else ""
    posts = selectors.post_feed(user=request.user, category=category)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "category": category,
        "category_label": dict(Category.choices).get(category, ""),
        "query": f"categorie={category}" if category else "",
        "unread": selectors.unread_count(request.user),
        "is_coordinator": selectors.space_role(request.user).coordinator,
        "former_member": FORMER_MEMBER,
    }
    return render(request, "managers/home.html", context)


def _post_page(request: HttpRequest, post, form: CommentForm, status: int = 200) -> HttpResponse:
    context = {
        "post": post,
        "comments": post.comments.select_related("author"),
        "form": form,
        "is_author": post.author_id is not None and post.author_id == request.user.pk,
        "is_coordinator": selectors.space_role(request.user).coordinator,
        "former_member": FORMER_MEMBER,
    }
    return render(request, "managers/post.html", context, status=status)


@login_required
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_member(user=request.user, post_id=id_from_text(str(post_id)))
    services.notifications_mark_read(user=request.user, post=post)
    return _post_page(request, post, CommentForm())


@login_required
@require_POST
def comment_add(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_member(user=request.user, post_id=id_from_text(str(post_id)))
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _post_page(request, post, form, status=400)
    try:
        _throttle(COMMENT_LIMIT, request)
        services.comment_create(user=request.user, post=post, body=form.cleaned_data["body"])
    except Throttled as error:
        messages.error(request, error.message)
        response = _post_page(request, post, form, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except ValidationError as error:
        add_service_error(form, error)
        return _post_page(request, post, form, status=400)
    messages.success(request, "Réponse publiée.")
    return redirect("managers:post_detail", post_id=post.pk)


@login_required
def post_new(request: HttpRequest) -> HttpResponse:
    selectors.space_member_or_404(request.user)
    form = PostForm(request.POST or None, request.FILES or None)
    context = {"form": form, "editing": False}
    if request.method != "POST":
        return render(request, "managers/post_form.html", context)
    if not form.is_valid():
        return render(request, "managers/post_form.html", context, status=400)
    data = form.cleaned_data
    try:
        _throttle(POST_LIMIT, request)
        post = services.post_create(
            user=request.user,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            link=data["link"],
            document=data["document"],
        )
    except Throttled as error:
        return _too_many(request, "managers/post_form.html", context, error)
    except ValidationError as error:
        add_service_error(form, error)
        return render(request, "managers/post_form.html", context, status=400)
    messages.success(request, "Message publié : les membres de l'espace sont prévenus.")
    return redirect("managers:post_detail", post_id=post.pk)


@login_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_author(user=request.user, post_id=id_from_text(str(post_id)))
    has_document = bool(post.document_path)
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, editing=True, has_document=has_document)
    else:
        initial = {f: getattr(post, f) for f in ("title", "body", "category", "link")}
        form = PostForm(initial=initial, editing=True, has_document=has_document)
    context = {"form": form, "editing": True, "post": post}
    if request.method != "POST":
        return render(request, "managers/post_form.html", context)
    if not form.is_valid():
        return render(request, "managers/post_form.html", context, status=400)
    data = form.cleaned_data
    try:
        services.post_update(
            user=request.user,
            post=post,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            link=data["link"],
            document=data["document"],
            remove_document=data.get("remove_document", False),
        )
    except ValidationError as error:
        add_service_error(form, error)
        post.refresh_from_db()
        return render(request, "managers/post_form.html", context, status=400)
    messages.success(request, "Message modifié.")
    return redirect("managers:post_detail", post_id=post.pk)


@login_required
def post_document(request: HttpRequest, post_id: int) -> FileResponse:
    """Only to the space's members, always as a download, under the type found at upload."""
    post = selectors.post_get_for_member(user=request.user, post_id=id_from_text(str(post_id)))
    storage = documents_storage()
    if not post.document_path or not storage.exists(post.document_path):
        raise Http404("Document introuvable.")
    response = FileResponse(
        storage.open(post.document_path, "rb"),
        as_attachment=True,
        filename=post.document_name,
        content_type=post.document_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def post_moderate(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_coordinator(user=request.user, post_id=id_from_text(str(post_id)))
    action = request.POST.get("action", "")
    changes = {
        "epingler": {"pinned": True},
        "desepingler": {"pinned": False},
        "masquer": {"hidden": True},
        "afficher": {"hidden": False},
    }
    if action not in changes:
        messages.error(request, "Action inconnue.")
        return redirect("managers:post_detail", post_id=post.pk)
    services.post_moderate(user=request.user, post=post, **changes[action])
    labels = {
        "epingler": "Message épinglé en tête du fil.",
        "desepingler": "Message désépinglé.",
        "masquer": "Message masqué : seule la coordination le voit.",
        "afficher": "Message de nouveau visible par tous les membres.",
    }
    messages.success(request, labels[action])
    return redirect("managers:post_detail", post_id=post.pk)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notifications_for(user=request.user)
    if request.method == "POST":
        count = services.notifications_mark_read(user=request.user)
        messages.success(request, f"{count} notification(s) marquée(s) comme lue(s).")
        return redirect("managers:notifications")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": selectors.unread_count(request.user),
        "former_member": FORMER_MEMBER,
    }
    return render(request, "managers/notifications.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read and open its post; someone else's id is a 404 like a missing one."""
    notification = (
        selectors.notifications_for(user=request.user)
        .filter(pk=id_from_text(str(notification_id)))
        .first()
    )
    if notification is None:
        raise Http404(selectors.NOT_FOUND)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect("managers:post_detail", post_id=notification.post_id)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    selectors.space_member_or_404(request.user)
    initial = {"email_mode": selectors.email_mode_of(request.user)}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.preference_set(user=request.user, email_mode=form.cleaned_data["email_mode"])
            messages.success(request, "Préférence enregistrée.")
            return redirect("managers:preferences")
        return render(request, "managers/preferences.html", {"form": form}, status=400)
    return render(request, "managers/preferences.html", {"form": form})
