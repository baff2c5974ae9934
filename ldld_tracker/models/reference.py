"""Closed lists people choose from: the 54 ethnic groups and the religions."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class EthnicGroup(db.Model):
    """An ethnic group of the General Statistics Office's official list."""

    __tablename__ = "ethnic_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    is_minority: Mapped[bool] = mapped_column(default=True)
    # Spellings people type ("Ê Đê|Êđê|Ede"), separated by "|".
    aliases: Mapped[str] = mapped_column(String(500), default="")


class Religion(db.Model):
    __tablename__ = "religion"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    aliases: Mapped[str] = mapped_column(String(500), default="")
