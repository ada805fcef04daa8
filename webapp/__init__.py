"""MIOP Checklist web app: create_app() wires config, extensions, blueprints and error pages."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from .cli import register_commands
from .config import Config
from .config import finalise_config
from .extensions import babel
from .extensions import csrf
from .extensions import db
from .infra.database import bind_migrations
from .infra.database import configure_engine
from .infra.database import resolve_database_uri
from .infra.errors import register_errorhandlers
from .infra.jsonprovider import FastJSONProvider
from .infra.language import choose_language
from .infra.language import lang_query
from .infra.language import language_links
from .infra.language import remember_language
from .infra.language import ui_language
from .infra.privacy import install_log_redaction
from .infra.security import register_security_headers
from .infra.serving import configure_serving
from .infra.static_fingerprint import register_static_fingerprints
from .infra.static_gzip import register_static_gzip
from .wording import N_
from .wording import difficulty_word
from .wording import disclaimer
from .wording import state_word

NAV = (
    ("checklist.checklist", N_("Checklist")),
    ("practice.index", N_("Practice")),
    ("classroom.new", N_("Classroom")),
    ("classroom.join", N_("Join a class")),
    ("checklist.about", N_("About")),
)


# In a checkout the templates sit beside the package (../templates); an installed wheel carries
# them inside it (pyproject.toml maps templates/ to webapp/templates).
TEMPLATES = "templates" if (Path(__file__).parent / "templates").is_dir() else "../templates"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` overrides the configuration in tests."""
    app = Flask(__name__, template_folder=TEMPLATES, instance_relative_config=True)
    app.config.from_object(Config)
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.update(test_config)
    finalise_config(app.config, app.instance_path)
    configure_serving(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_static_fingerprints(app)
    register_static_gzip(app)
    register_commands(app)
    install_log_redaction()
    if app.config["PRELOAD"]:
        from .preload import preload  # only then: it reaches every domain

        preload(app)
    from .classroom import state_polls

    state_polls.install(app)  # inside ProxyFix: it sees the request as the app does
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    @app.context_processor
    def _globals() -> dict[str, Any]:
        # Areas appear in the navigation once their blueprint is registered.
        nav = [{"endpoint": e, "label": gettext(label)} for e, label in NAV if e in app.view_functions]
        return {
            "disclaimer": disclaimer(),
            "nav_items": nav,
            "page_lang": ui_language(),
            "language_links": language_links,
            "lang_query": lang_query,
            "difficulty_word": difficulty_word,
            "state_word": state_word,
        }

    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    app.json = FastJSONProvider(app)
    # The page language first: a refusal of the CSRF check (the next hook) is worded in it too.
    app.before_request(choose_language)
    csrf.init_app(app)
    # The interface's words in the page language (webapp/translations/, `make translations`).
    babel.init_app(app, locale_selector=ui_language)
    app.after_request(remember_language)
    from . import models  # noqa: F401  (registers the tables with db.metadata)

    resolve_database_uri(app)
    db.init_app(app)
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true":  # set by the `flask` command, never by gunicorn
        bind_migrations(app)
    with app.app_context():
        configure_engine(db.engine)


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per area (its pages, and its JSON API under /api/v1)."""
    from .api.views import bp as api_bp
    from .checklist.api import bp as checklist_api_bp
    from .checklist.views import bp as checklist_bp

    app.register_blueprint(checklist_bp)
    app.register_blueprint(checklist_api_bp, url_prefix="/api/v1")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    from .practice.api import bp as practice_api_bp
    from .practice.drill import bp as drill_bp
    from .practice.views import bp as practice_bp

    app.register_blueprint(practice_bp)
    app.register_blueprint(drill_bp)
    app.register_blueprint(practice_api_bp, url_prefix="/api/v1")
    from .classroom.api import bp as classroom_api_bp
    from .classroom.errors import classroom_error_response
    from .classroom.service import ClassroomError
    from .classroom.views import bp as classroom_bp

    app.register_blueprint(classroom_bp)
    app.register_blueprint(classroom_api_bp, url_prefix="/api/v1")
    app.register_error_handler(ClassroomError, classroom_error_response)
    from .interop.api import bp as interop_api_bp
    from .interop.views import bp as interop_bp

    app.register_blueprint(interop_bp)
    app.register_blueprint(interop_api_bp, url_prefix="/api/v1")
    from .lti.views import bp as lti_bp
    from .lti.views import classroom_bp as lti_classroom_bp

    app.register_blueprint(lti_bp)
    app.register_blueprint(lti_classroom_bp)
