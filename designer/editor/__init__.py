"""The editor wing: a user's draft of a design, the forms over it, its panels, and saving.

One way through each request (no module imports one that imports it back):

    views      HTTP: the page (no-JS posts, PRG), the htmx preview, save, conflicts
      -> editing   the tab's draft, the post applied (posted.py, state.py), the draft written
      -> saving    a draft becomes a revision (or none when nothing changed)
      -> panels    form sections and findings for the templates, built once per request
    state      the working copy and what is done to it (YAML applied, actions, analysis)
    drafts     drafts and their undo/redo steps in the database
    fields     the field table: one row per form field (label, widget, codec, help, choices)
    values, lines, document_fields   the codecs: form text <-> document values, lossless
    widgets    a field's HTML control
"""
