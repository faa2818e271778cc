"""Tools that run outside requests: demo data, archive, seed loading, progress display.

Each is driven by a management command in `events/management/commands/` (which stays a thin
layer of arguments and messages) and by scripts and tests; no view imports anything from here,
so what serves requests neither loads this code nor depends on it.

- `seeding` loads the curated seed files (`load_seed`). It writes through `events.services`,
  like any editor, so the seed obeys the same checks and leaves history.
- `archive` writes and restores the portable backup (`export_archive`, `import_archive`).
- `demo` builds a made-up world at scale for demos and benchmarks (`generate_demo_data`).
- `progress` is the progress line these long jobs print on stderr.

Why apart from the request code: these jobs work on whole tables at once. The archive import
and the demo data write rows in bulk, around `save()`, signals and django-reversion, because
going row by row through the services would take hours at the sizes they handle. Whatever
skips the signals must do their work itself — each of them retires the cached pages with
`bump_data_version()` and rebuilds or writes the search entries — and must run in one
transaction, so that a failed run leaves the database as it was.
"""
