"""Invoice documents (buyers and sellers) and the sellers' accounting pages."""

from maillage.billing.urls_accounting import urlpatterns as accounting
from maillage.billing.urls_documents import urlpatterns as documents

app_name = "billing"
urlpatterns = [*documents, *accounting]
