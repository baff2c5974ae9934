"""ldld_tracker: party-member development from trade unions in Đắk Lắk's enterprises."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from .config import Config, TestConfig

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``test_config`` switches to ``TestConfig`` plus overrides."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_DIR / "instance"),
        template_folder=str(PROJECT_DIR / "templates"),
    )
    app.config.from_object(TestConfig if test_config is not None else Config)
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("TRUSTED_PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from . import cli, database, errors_pages, i18n, security
    from .extensions import babel, csrf, db, login_manager, migrate
    from .tally import holding, upkeep

    security.check_production_settings(app)
    db.init_app(app)
    upkeep.install()
    holding.install()
    database.configure(app)
    security.check_no_demo_data(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    security.init_app(app)
    errors_pages.init_app(app)
    cli.init_app(app)

    from .views import register_blueprints

    register_blueprints(app)
    return app
