"""The Statewright designer: the Litestar service (REST API, accounts and roles, approvals, instances,
metrics) and the built browser UI it serves. `designer.app.create_app` builds the app; `designer.cli:main`
is the `statewright` console script."""
