"""Extensions, created unbound and initialised in create_app()."""

from typing import TYPE_CHECKING
from typing import Any

from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base with named constraints, so Alembic can alter them on every backend."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


csrf = CSRFProtect()
babel = Babel()
# Objects stay readable after commit: a request never needs them re-read, and it saves a round trip.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# The models' base class. db.Model is built at run time (Base with Flask-SQLAlchemy's table-name and
# bind mixins), so a type checker cannot see it as a class: it sees the declarative Base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def __getattr__(name: str) -> Any:
    """`migrate` is created on first use: Flask-Migrate imports alembic (0.2 s or more), which only
    the `flask db` commands and the migration tests need, never a serving process."""
    if name == "migrate":
        from flask_migrate import Migrate

        # render_as_batch: SQLite can only ALTER a table by copying it, which Alembic's batch mode does.
        globals()["migrate"] = Migrate(render_as_batch=True)
        return globals()["migrate"]
    raise AttributeError(name)
