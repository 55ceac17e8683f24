from django.contrib import admin
from django.urls import include, path

from designer.views import designs, library


designer_patterns = [
    path("", library.library, name="library"),
    path("designs/new", designs.new_design, name="new"),
    path("designs/new/from/<slug:slug>", designs.start_from_starter, name="new-from-starter"),
    path("designs/<int:pk>/", designs.design_detail, name="design"),
    path("designs/<int:pk>/export.yaml", designs.export_manifest, name="export"),
]

urlpatterns = [
    path("", include((designer_patterns, "designer"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
