"""Pages of the members' network: all for signed-in members only (anonymous visitors are sent to
sign in), the moderation queue for the coordination only (404 for anyone else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from maillage.booking.bounds import id_from_text
from maillage.community import selectors, services
from maillage.community.forms import DirectorySearchForm, MessageForm, ProfileForm, ReportForm
from maillage.core.ratelimit import Throttled, throttled_response

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    """« Mon profil dans le réseau »: create, edit, show or hide, leave."""
    profile = selectors.profile_of(request.user)
    action = request.POST.get("action", "enregistrer")
    if request.method == "POST" and action == "quitter":
        services.profile_leave(user=request.user)
        messages.success(request, "Votre profil est supprimé : vous n'apparaissez plus nulle part.")
        return redirect("community:my_profile")
    if request.method == "POST" and action in {"afficher", "masquer"}:
        try:
            services.profile_visibility_set(user=request.user, visible=action == "afficher")
        except services.CommunityError as error:
            raise Http404(error.message) from None
        messages.success(
            request,
            "Votre profil est visible des membres."
            if action == "afficher"
            else "Votre profil est masqué : plus personne ne le voit.",
        )
        return redirect("community:my_profile")
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile = services.profile_save(
                    user=request.user,
                    data=form.data_for_service(),
                    visible=form.cleaned_data["visible"],
                )
            except services.CommunityError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Profil enregistré.")
                return redirect("community:my_profile")
        status = 400
    else:
        if profile is None:
            form = ProfileForm(initial={"display_name": request.user.display_name})
        else:
            form = ProfileForm(profile=profile)
        status = 200
    return render(
        request, "community/my_profile.html", {"form": form, "profile": profile}, status=status
    )


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    profiles = selectors.directory_search(form.filters())
    page = Paginator(profiles, PAGE_SIZE).get_page(_page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/directory.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def member(request: HttpRequest, public_id) -> HttpResponse:
    profile = selectors.profile_get_listed(public_id=public_id)
    own = profile.user_id == request.user.pk
    return render(
        request,
        "community/member.html",
        {
            "profile": profile,
            "own": own,
            "blocked": not own
            and selectors.has_blocked(blocker=request.user, blocked=profile.user),
            "form": MessageForm(),
        },
    )


@login_required
@require_POST
def contact(request: HttpRequest, public_id) -> HttpResponse:
    """The first message to a listed member (or one more in an existing conversation)."""
    profile = selectors.profile_get_listed(public_id=public_id)
    form = MessageForm(request.POST)
    context = {"profile": profile, "own": False, "blocked": False, "form": form}
    if not form.is_valid():
        return render(request, "community/member.html", context, status=400)
    try:
        conversation = services.conversation_start(
            sender=request.user, profile=profile, body=form.cleaned_data["body"]
        )
    except Throttled as throttled:
        return throttled_response(request, "community/member.html", context, throttled)
    except services.CommunityError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        form.add_error(None, error.message)
        return render(request, "community/member.html", context, status=error.status)
    messages.success(request, "Message envoyé.")
    return redirect("community:conversation", conversation.public_id)


@login_required
@require_POST
def member_block(request: HttpRequest, public_id) -> HttpResponse:
    profile = selectors.profile_get_listed(public_id=public_id)
    if profile.user_id == request.user.pk:
        raise Http404("Membre introuvable.")
    services.block_create(blocker=request.user, blocked=profile.user)
    messages.success(request, "Personne bloquée : elle ne peut plus vous écrire.")
    return redirect("community:blocks")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    conversations = list(selectors.inbox(request.user))
    rows = [
        {
            "conversation": conversation,
            "name": selectors.member_name(conversation.other(request.user)),
        }
        for conversation in conversations
    ]
    unread = sum(conversation.unread for conversation in conversations)
    return render(request, "community/inbox.html", {"rows": rows, "unread": unread})


def _conversation_context(request: HttpRequest, conversation, form) -> dict:
    other = conversation.other(request.user)
    return {
        "conversation": conversation,
        "other_name": selectors.member_name(other),
        "other_gone": other is None or not other.is_active,
        "blocked": other is not None and selectors.has_blocked(blocker=request.user, blocked=other),
        "messages_list": list(selectors.conversation_messages(conversation)),
        "form": form,
    }


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, public_id) -> HttpResponse:
    conversation = selectors.conversation_get_for_member(user=request.user, public_id=public_id)
    if request.method == "GET":
        context = _conversation_context(request, conversation, MessageForm())
        services.conversation_mark_read(user=request.user, conversation=conversation)
        return render(request, "community/conversation.html", context)
    form = MessageForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.message_reply(
                sender=request.user, conversation=conversation, body=form.cleaned_data["body"]
            )
        except Throttled as throttled:
            context = _conversation_context(request, conversation, form)
            return throttled_response(request, "community/conversation.html", context, throttled)
        except services.CommunityError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, "Message envoyé.")
            return redirect("community:conversation", conversation.public_id)
    context = _conversation_context(request, conversation, form)
    return render(request, "community/conversation.html", context, status=status)


@login_required
@require_POST
def conversation_block(request: HttpRequest, public_id) -> HttpResponse:
    conversation = selectors.conversation_get_for_member(user=request.user, public_id=public_id)
    other = conversation.other(request.user)
    if other is None:
        raise Http404("Membre introuvable.")
    services.block_create(blocker=request.user, blocked=other)
    messages.success(request, "Personne bloquée : elle ne peut plus vous écrire.")
    return redirect("community:conversation", conversation.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def blocks(request: HttpRequest) -> HttpResponse:
    """The member's block list, with « débloquer »."""
    if request.method == "POST":
        block_id = id_from_text(request.POST.get("block"))
        if block_id is None:
            raise Http404("Blocage introuvable.")
        try:
            services.block_remove(blocker=request.user, block_id=block_id)
        except services.CommunityError as error:
            raise Http404(error.message) from None
        messages.success(request, "Personne débloquée.")
        return redirect("community:blocks")
    rows = [
        {"block": block, "name": selectors.member_name(block.blocked)}
        for block in selectors.blocks_of(request.user)
    ]
    return render(request, "community/blocks.html", {"rows": rows})


def _report(request: HttpRequest, *, target_label: str, back: str, **target) -> HttpResponse:
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "target_label": target_label, "back": back}
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                **target,
            )
        except services.CommunityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Signalement transmis à la coordination. Merci.")
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render(request, "community/report.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_message(request: HttpRequest, message_id: str) -> HttpResponse:
    message = selectors.message_get_for_member(user=request.user, message_id=int(message_id))
    conversation = message.conversation
    return _report(
        request,
        target_label="ce message",
        back=conversation.get_absolute_url(),
        message=message,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_profile(request: HttpRequest, public_id) -> HttpResponse:
    profile = selectors.profile_get_listed(public_id=public_id)
    if profile.user_id == request.user.pk:
        raise Http404("Membre introuvable.")
    return _report(
        request,
        target_label=f"le profil de {profile.display_name}",
        back=profile.get_absolute_url(),
        profile=profile,
    )


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    reports = list(selectors.moderation_reports(user=request.user))
    return render(request, "community/moderation.html", {"reports": reports})


@login_required
@require_POST
def moderation_decide(request: HttpRequest, report_id: str) -> HttpResponse:
    selectors.moderation_reports(user=request.user)  # 404 for anyone but the coordination
    try:
        services.report_decide(
            moderator=request.user,
            report_id=int(report_id),
            decision=request.POST.get("decision", "")[:30],
        )
    except services.CommunityError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, "Décision enregistrée.")
    return redirect("community:moderation")
