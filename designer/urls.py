from django.contrib import admin
from django.urls import include, path, re_path

from designer.api import api, api_not_found
from designer.editor import views as editor
from designer.views import (
    accounts,
    designs,
    diagrams,
    history,
    library,
    manage,
    password_reset,
    rules,
    schemas,
    teams,
)

designer_patterns = [
    path("", library.library, name="library"),
    path("designs/new", designs.new_design, name="new"),
    path("designs/new/from/<slug:slug>", designs.start_from_starter, name="new-from-starter"),
    path("designs/<int:pk>/", editor.design_detail, name="design"),
    path("designs/<int:pk>/export.yaml", designs.export_manifest, name="export"),
]

# The editor and its drawings (designer/editor/views.py, views/diagrams.py).
designer_patterns += [
    path("designs/<int:pk>/preview", editor.preview, name="preview"),
    path("designs/<int:pk>/editor-fields", editor.item_fields, name="editor-fields"),
    path("designs/<int:pk>/draft-diagram.svg", editor.draft_diagram, name="draft-diagram"),
    path("designs/<int:pk>/diagram.<str:fmt>", diagrams.diagram, name="diagram"),
    path("designs/<int:pk>/lifecycle.svg", diagrams.lifecycle, name="lifecycle"),
    path("designs/<int:pk>/bundle.zip", diagrams.bundle, name="bundle"),
]

# The team library: history, management, trash, fork, teams (views/history.py, manage.py, teams.py).
designer_patterns += [
    path("designs/<int:pk>/history/", history.history, name="history"),
    path("designs/<int:pk>/history/compare", history.compare, name="compare"),
    path("designs/<int:pk>/revisions/<int:number>/", history.revision_detail, name="revision"),
    path(
        "designs/<int:pk>/revisions/<int:number>/restore", history.restore_revision, name="restore-revision"
    ),
    path("designs/<int:pk>/diff/<int:a>/<int:b>/", history.diff, name="diff"),
    path("designs/<int:pk>/settings/", manage.design_settings, name="settings"),
    path("designs/<int:pk>/rename", manage.rename_design, name="rename"),
    path("designs/<int:pk>/share", manage.share_design, name="share"),
    path("designs/<int:pk>/trash", manage.trash_design, name="trash-design"),
    path("designs/<int:pk>/restore", manage.restore_design, name="restore-design"),
    path("designs/<int:pk>/purge", manage.purge_design, name="purge"),
    path("designs/<int:pk>/fork", manage.fork_design, name="fork"),
    path("trash/", manage.trash_list, name="trash"),
    path("teams/", teams.team_list, name="teams"),
    path("teams/new", teams.team_create, name="team-create"),
    path("teams/<int:team_id>/", teams.team_detail, name="team"),
    path("teams/<int:team_id>/members", teams.add_member, name="team-add-member"),
    path("teams/<int:team_id>/members/<int:user_id>", teams.change_member, name="team-member"),
    path("teams/<int:team_id>/leave", teams.leave_team, name="team-leave"),
    path(
        "teams/invitations/<int:invitation_id>/accept",
        teams.answer_invitation,
        {"answer": "accept"},
        name="invitation-accept",
    ),
    path(
        "teams/invitations/<int:invitation_id>/decline",
        teams.answer_invitation,
        {"answer": "decline"},
        name="invitation-decline",
    ),
]

# The rule reference, public (views/rules.py).
designer_patterns += [
    path("rules/", rules.rule_list, name="rules"),
    path("rules/<str:rule_id>/", rules.rule_detail, name="rule"),
]

# The YAML editor's completion schema per Kubernetes version, public (views/schemas.py).
designer_patterns += [
    path("schemas/<str:version>.json", schemas.completion, name="completion-schema"),
]

account_patterns = [
    path("signup/", accounts.signup, name="signup"),
    path("profile/", accounts.profile, name="profile"),
    path("profile/tokens", accounts.create_token, name="create-token"),
    path("profile/tokens/<int:token_id>/revoke", accounts.revoke_token, name="revoke-token"),
    # Before django.contrib.auth.urls, whose reset views would show "sent" for a failed mail.
    path("password_reset/", password_reset.reset, name="password_reset"),
    path("password_reset/done/", password_reset.reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", password_reset.reset_confirm, name="password_reset_confirm"),
    path("reset/done/", password_reset.reset_complete, name="password_reset_complete"),
]

urlpatterns = [
    path("", include((designer_patterns, "designer"))),
    path("api/v1/", api.urls),
    # Anything else under /api/ (an unknown path, `/designs/-1`): a JSON 404, not the HTML page.
    re_path(r"^api/", api_not_found, name="api-not-found"),
    path("accounts/", include(account_patterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# A database failure raised outside a view (a middleware, a session save) is a 503, not a 500.
handler500 = "designer.faults.server_error"
