"""SQLAlchemy 2.x fixture (Core + ORM over psycopg2), run by orm-fixtures/run.sh.

Connection from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE; ORM_SERVER names
the server (postgres or immudb). Writes the inspector's view of the schema to
$ORM_OUT/introspect.txt, which run.sh compares between the two servers.
Any failed check raises.
"""
import datetime as dt
import decimal
import json
import os
import sys
import uuid
from typing import List, Optional

import psycopg2.errors
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey,
                        Index, Integer, MetaData, Numeric, String, Table, Text, UniqueConstraint,
                        Uuid, create_engine, func, insert, inspect, select, text, update, delete)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (DeclarativeBase, Mapped, Session, mapped_column, relationship,
                            selectinload)

SERVER = os.environ["ORM_SERVER"]
url = "postgresql+psycopg2://{}:{}@{}:{}/{}".format(
    os.environ["PGUSER"], os.environ["PGPASSWORD"], os.environ["PGHOST"], os.environ["PGPORT"],
    os.environ["PGDATABASE"])
engine = create_engine(url + "?sslmode=disable")


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok", what)


# --- Core: metadata with FKs, unique, index, server defaults -----------------
md = MetaData()
sa_kind = Table(
    "sa_kind", md,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("label", Text, server_default=text("'none'")))
sa_thing = Table(
    "sa_thing", md,
    Column("id", BigInteger, primary_key=True),
    Column("kind_id", Integer, ForeignKey("sa_kind.id", ondelete="CASCADE"), nullable=False),
    Column("n", Integer, nullable=False, server_default=text("0")),
    Column("price", Numeric(12, 3)),
    Column("ratio", Float),
    Column("name", String(80), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("born", Date),
    Column("seen", DateTime(timezone=True), server_default=func.now()),
    Column("ref", Uuid),
    Column("doc", JSON),
    UniqueConstraint("kind_id", "name", name="sa_thing_kind_name"),
    Index("sa_thing_n_idx", "n"),
    Index("sa_thing_born_price_idx", "born", "price"))
md.drop_all(engine)
md.create_all(engine)
print("ok create_all")

rows = [
    dict(id=1, kind_id=1, n=5, price=decimal.Decimal("12.345"), ratio=0.25, name="alpha",
         active=True, born=dt.date(2020, 2, 29),
         seen=dt.datetime(2021, 3, 4, 5, 6, 7, 123456, tzinfo=dt.timezone.utc),
         ref=uuid.UUID("12345678-1234-5678-1234-567812345678"), doc={"a": [1, 2], "b": None}),
    dict(id=2**40, kind_id=2, n=-7, price=decimal.Decimal("-0.5"), ratio=-1e10, name="beta",
         active=False, born=dt.date(1999, 12, 31),
         seen=dt.datetime(2000, 1, 1, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
         ref=uuid.UUID("00000000-0000-0000-0000-000000000001"), doc=[1, "x", True]),
]
with engine.begin() as c:
    c.execute(insert(sa_kind).values(id=1, code="k1", label="first"))
    c.execute(insert(sa_kind).values(id=2, code="k2"))
    c.execute(insert(sa_thing), rows)
    c.execute(insert(sa_thing).values(id=3, kind_id=1, name="gamma"))  # server defaults
with engine.connect() as c:
    got = c.execute(select(sa_thing).where(sa_thing.c.id.in_([1, 2**40])).order_by(sa_thing.c.id)
                    ).mappings().all()
    for want, have in zip(rows, got):
        for k, v in want.items():
            check(have[k] == v, "core round trip {}={!r} (got {!r})".format(k, v, have[k]))
    d = c.execute(select(sa_thing.c.n, sa_thing.c.active, sa_thing.c.seen, sa_kind.c.label)
                  .join(sa_kind).where(sa_thing.c.id == 3)).one()
    check(d.n == 0 and d.active is True and d.seen is not None and d.label == "first",
          "server defaults + join")
    d = c.execute(select(sa_kind.c.label).where(sa_kind.c.id == 2)).scalar_one()
    check(d == "none", "text server default")
    agg = c.execute(select(sa_thing.c.kind_id, func.count(), func.sum(sa_thing.c.price))
                    .group_by(sa_thing.c.kind_id).order_by(sa_thing.c.kind_id)).all()
    check(agg == [(1, 2, decimal.Decimal("12.345")), (2, 1, decimal.Decimal("-0.500"))],
          "group by aggregates {}".format(agg))
    n = c.execute(select(func.count()).select_from(sa_thing)
                  .where(sa_thing.c.doc.is_not(None), sa_thing.c.born < dt.date(2001, 1, 1))
                  ).scalar_one()
    check(n == 1, "date parameter filter")
    check(c.execute(select(sa_thing.c.doc["a"].as_json()).where(sa_thing.c.id == 1)).scalar_one()
          == [1, 2], "JSON -> with a bound key")
with engine.begin() as c:
    r = c.execute(update(sa_thing).where(sa_thing.c.kind_id == 1)
                  .values(n=sa_thing.c.n + 1).returning(sa_thing.c.id, sa_thing.c.n))
    check(sorted(r.all()) == [(1, 6), (3, 1)], "UPDATE ... RETURNING")
    c.execute(delete(sa_thing).where(sa_thing.c.id == 3))
# transaction rollback
with engine.connect() as c:
    tx = c.begin()
    c.execute(delete(sa_thing))
    check(c.execute(select(func.count()).select_from(sa_thing)).scalar_one() == 0,
          "delete visible inside transaction")
    tx.rollback()
    check(c.execute(select(func.count()).select_from(sa_thing)).scalar_one() == 2,
          "rollback restores rows")
# unique violation -> IntegrityError / 23505
try:
    with engine.begin() as c:
        c.execute(insert(sa_kind).values(id=9, code="k1"))
    raise AssertionError("duplicate code accepted")
except IntegrityError as e:
    check(isinstance(e.orig, psycopg2.errors.UniqueViolation) and e.orig.pgcode == "23505",
          "unique violation is IntegrityError 23505")
try:
    with engine.begin() as c:
        c.execute(insert(sa_thing).values(id=50, kind_id=99, name="orphan"))
    raise AssertionError("FK violation accepted")
except IntegrityError as e:
    check(e.orig.pgcode == "23503", "FK violation is IntegrityError 23503")


# --- ORM: relationships, sessions, selectinload, rollback --------------------
class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "sa_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    email: Mapped[Optional[str]] = mapped_column(String(120), index=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())
    books: Mapped[List["Book"]] = relationship(back_populates="author",
                                               cascade="all, delete-orphan",
                                               order_by="Book.id")


class Book(Base):
    __tablename__ = "sa_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("sa_author.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    pages: Mapped[Optional[int]]
    price: Mapped[Optional[decimal.Decimal]] = mapped_column(Numeric(8, 2))
    published: Mapped[Optional[dt.date]]
    in_print: Mapped[bool] = mapped_column(default=True)
    author: Mapped[Author] = relationship(back_populates="books")


Base.metadata.drop_all(engine)
Base.metadata.create_all(engine)
with Session(engine) as s:
    a1 = Author(name="Ursula", email="u@example.org",
                books=[Book(title="Earthsea", pages=200, price=decimal.Decimal("9.99"),
                            published=dt.date(1968, 1, 1)),
                       Book(title="Lathe", pages=180, in_print=False)])
    a2 = Author(name="Iain", books=[Book(title="Player", price=decimal.Decimal("12.50"))])
    s.add_all([a1, a2])
    s.commit()
    check(a1.id is not None and a1.books[0].id is not None, "ORM insert with serial ids")
    check(a1.created is not None, "server default fetched after insert")
with Session(engine) as s:
    authors = s.scalars(select(Author).options(selectinload(Author.books))
                        .order_by(Author.name)).all()
    check([(a.name, [b.title for b in a.books]) for a in authors] ==
          [("Iain", ["Player"]), ("Ursula", ["Earthsea", "Lathe"])], "selectinload")
    rows = s.execute(select(Author.name, func.count(Book.id), func.sum(Book.price))
                     .join(Author.books).group_by(Author.name).order_by(Author.name)).all()
    check(rows == [("Iain", 1, decimal.Decimal("12.50")), ("Ursula", 2, decimal.Decimal("9.99"))],
          "join + group by {}".format(rows))
    b = s.scalars(select(Book).join(Book.author).where(Author.email.like("u@%"),
                                                        Book.in_print.is_(False))).one()
    check(b.title == "Lathe" and b.author.name == "Ursula", "join filter + lazy load")
    b.pages = 181
    s.commit()
    check(s.get(Book, b.id).pages == 181, "ORM update")
with Session(engine) as s:
    a = s.scalars(select(Author).where(Author.name == "Iain")).one()
    a.books.append(Book(title="Excession"))
    s.flush()
    s.rollback()
    check(s.scalar(select(func.count()).select_from(Book)) == 3, "session rollback")
    s.add(Author(name="Ursula"))
    try:
        s.commit()
        raise AssertionError("duplicate author accepted")
    except IntegrityError as e:
        check(e.orig.pgcode == "23505", "ORM unique violation 23505")
        s.rollback()
    with s.begin_nested():
        s.add(Book(title="Tmp", author_id=a.id))
    check(s.scalar(select(func.count()).select_from(Book)) == 4, "savepoint release")
    try:
        with s.begin_nested():
            s.add(Book(title="Bad", author_id=999))
            s.flush()
    except IntegrityError:
        pass
    check(s.scalar(select(func.count()).select_from(Book)) == 4, "savepoint rollback")
    s.commit()
with Session(engine) as s:
    s.delete(s.scalars(select(Author).where(Author.name == "Ursula")).one())
    s.commit()
    check(s.scalar(select(func.count()).select_from(Book)) == 2, "ORM cascade delete")

# --- inspector ---------------------------------------------------------------
insp = inspect(engine)
names = sorted(t for t in insp.get_table_names() if t.startswith("sa_"))
check(names == ["sa_author", "sa_book", "sa_kind", "sa_thing"], "get_table_names")


def norm(v):
    if isinstance(v, dict):
        return {k: norm(x) for k, x in sorted(v.items())}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return repr(v)


# Columns and foreign keys are compared with PostgreSQL's (run.sh diffs them).
with open(os.path.join(os.environ["ORM_OUT"], "introspect.txt"), "w") as f:
    for t in names:
        out = {
            "columns": insp.get_columns(t),
            "fks": sorted(insp.get_foreign_keys(t), key=lambda x: x["name"] or ""),
        }
        f.write("{}: {}\n".format(t, json.dumps(norm(out), indent=1, sort_keys=True)))
print("ok inspector get_columns, get_foreign_keys")

# Keys and indexes are checked against their known values (SQLAlchemy reads
# them with unnest()/generate_subscripts() in the select list).


def keys_and_indexes():
    insp = inspect(engine)
    check(insp.get_pk_constraint("sa_thing")["constrained_columns"] == ["id"], "get_pk_constraint")
    check(sorted((u["name"], u["column_names"]) for u in insp.get_unique_constraints("sa_thing"))
          == [("sa_thing_kind_name", ["kind_id", "name"])], "get_unique_constraints")
    idx = sorted((i["name"], i["column_names"], i["unique"]) for i in insp.get_indexes("sa_thing"))
    check(idx == [("sa_thing_born_price_idx", ["born", "price"], False),
                  ("sa_thing_kind_name", ["kind_id", "name"], True),
                  ("sa_thing_n_idx", ["n"], False)], "get_indexes {}".format(idx))


keys_and_indexes()
print("sqlalchemy fixture passed on", SERVER)
