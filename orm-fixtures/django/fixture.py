"""Django fixture, run by orm-fixtures/run.sh.

Creates a small project (ormproj) and app (ormapp) in the current directory,
runs makemigrations and migrate (contenttypes, auth, admin, sessions, the
app), then queries with joins, aggregates, F expressions, atomic blocks with a
nested savepoint, a unique violation, the admin changelist through the test
client, and writes `inspectdb` of the app's tables to $ORM_OUT/introspect.txt
(run.sh compares it with PostgreSQL's). ORM_SERVER names the server.
"""
import datetime as dt
import decimal
import io
import os
import sys
import textwrap

SERVER = os.environ["ORM_SERVER"]
here = os.getcwd()


def write(path, body):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(textwrap.dedent(body))


write("ormproj/__init__.py", "")
write("ormproj/settings.py", """
    import os
    SECRET_KEY = "orm-fixture"
    DEBUG = False
    ALLOWED_HOSTS = ["testserver"]
    USE_TZ = True
    TIME_ZONE = "UTC"
    DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
    ROOT_URLCONF = "ormproj.urls"
    INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                      "django.contrib.sessions", "django.contrib.messages", "ormapp"]
    MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware",
                  "django.middleware.common.CommonMiddleware",
                  "django.middleware.csrf.CsrfViewMiddleware",
                  "django.contrib.auth.middleware.AuthenticationMiddleware",
                  "django.contrib.messages.middleware.MessageMiddleware"]
    TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
                  "OPTIONS": {"context_processors": [
                      "django.template.context_processors.request",
                      "django.contrib.auth.context_processors.auth",
                      "django.contrib.messages.context_processors.messages"]}}]
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["PGDATABASE"],
        "USER": os.environ["PGUSER"], "PASSWORD": os.environ["PGPASSWORD"],
        "HOST": os.environ["PGHOST"], "PORT": os.environ["PGPORT"],
        "OPTIONS": {"sslmode": "disable"}}}
    """)
write("ormproj/urls.py", """
    from django.contrib import admin
    from django.urls import path
    urlpatterns = [path("admin/", admin.site.urls)]
    """)
write("ormapp/__init__.py", "")
write("ormapp/models.py", """
    from django.db import models

    class Publisher(models.Model):
        name = models.CharField(max_length=100, unique=True)
        country = models.CharField(max_length=2, default="NO")

        def __str__(self):
            return self.name

    class Tag(models.Model):
        label = models.CharField(max_length=30, unique=True)

    class Book(models.Model):
        publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="books")
        title = models.CharField(max_length=200)
        summary = models.TextField(blank=True, default="")
        price = models.DecimalField(max_digits=8, decimal_places=2)
        published = models.DateTimeField()
        meta = models.JSONField(default=dict)
        in_stock = models.BooleanField(default=True)
        pages = models.IntegerField(default=0)
        tags = models.ManyToManyField(Tag, blank=True, related_name="books")

        class Meta:
            unique_together = [("publisher", "title")]
            indexes = [models.Index(fields=["published"], name="book_published_idx"),
                       models.Index(fields=["in_stock", "price"], name="book_stock_price_idx")]
    """)
write("ormapp/admin.py", """
    from django.contrib import admin
    from .models import Book, Publisher

    @admin.register(Book)
    class BookAdmin(admin.ModelAdmin):
        list_display = ["title", "publisher", "price", "in_stock"]
        list_filter = ["in_stock"]
        search_fields = ["title"]
        list_select_related = ["publisher"]

    admin.site.register(Publisher)
    """)

sys.path.insert(0, here)
os.environ["DJANGO_SETTINGS_MODULE"] = "ormproj.settings"
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.db.models import Avg, Count, F, Q, Sum  # noqa: E402


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok", what)


call_command("makemigrations", "ormapp", verbosity=0)
call_command("migrate", verbosity=0)
print("ok migrate")

from django.contrib.auth.models import User  # noqa: E402
from ormapp.models import Book, Publisher, Tag  # noqa: E402

utc = dt.timezone.utc
p1 = Publisher.objects.create(name="Gyldendal")
p2 = Publisher.objects.create(name="Tor", country="US")
t1, t2 = Tag.objects.create(label="sf"), Tag.objects.create(label="classic")
b1 = Book.objects.create(publisher=p1, title="Sult", price=decimal.Decimal("199.50"),
                         published=dt.datetime(1890, 5, 1, 12, tzinfo=utc),
                         meta={"lang": "no", "ed": [1, 2]}, pages=240)
b2 = Book.objects.create(publisher=p2, title="Dune", price=decimal.Decimal("9.99"),
                         published=dt.datetime(1965, 8, 1, 8, 30, tzinfo=utc), pages=412)
b3 = Book.objects.create(publisher=p2, title="Hyperion", price=decimal.Decimal("12.00"),
                         published=dt.datetime(1989, 5, 26, tzinfo=utc), in_stock=False)
b1.tags.add(t2)
b2.tags.add(t1, t2)
b3.tags.add(t1)
check(Book.objects.get(pk=b1.pk).meta == {"lang": "no", "ed": [1, 2]}, "JSONField round trip")
check(list(Book.objects.filter(meta__lang="no").values_list("title", flat=True)) == ["Sult"]
      and Book.objects.filter(meta__ed__1=2).count() == 1, "JSONField key lookups (#>, jsonb =)")
check(Book.objects.filter(meta__has_key="lang").count() == 1, "JSONField has_key (?)")
check(Book.objects.filter(meta__contains={"lang": "no"}).count() == 1, "JSONField contains (@>)")
check(Book.objects.get(title="Dune").published == dt.datetime(1965, 8, 1, 8, 30, tzinfo=utc),
      "DateTimeField round trip")

# joins
titles = [(b.title, b.publisher.name) for b in Book.objects.select_related("publisher")
          .order_by("title")]
check(titles == [("Dune", "Tor"), ("Hyperion", "Tor"), ("Sult", "Gyldendal")], "select_related")
check(sorted(Book.objects.filter(tags__label="sf").values_list("title", flat=True)) ==
      ["Dune", "Hyperion"], "many-to-many join filter")
check([t.label for t in b2.tags.order_by("label")] == ["classic", "sf"], "m2m related manager")
pubs = list(Publisher.objects.prefetch_related("books").order_by("name"))
check([len(p.books.all()) for p in pubs] == [1, 2], "prefetch_related")
# aggregates
rows = list(Publisher.objects.annotate(n=Count("books"), total=Sum("books__price"))
            .order_by("name").values_list("name", "n", "total"))
check(rows == [("Gyldendal", 1, decimal.Decimal("199.50")), ("Tor", 2, decimal.Decimal("21.99"))],
      "annotate Count/Sum {}".format(rows))
rows = list(Book.objects.values("publisher__country").annotate(avg=Avg("price"), n=Count("id"))
            .order_by("publisher__country"))
check([(r["publisher__country"], round(r["avg"], 3), r["n"]) for r in rows] ==
      [("NO", decimal.Decimal("199.500"), 1), ("US", decimal.Decimal("10.995"), 2)],
      "values + annotate Avg")
agg = Book.objects.aggregate(total=Sum("pages"), cnt=Count("id"))
check(agg == {"total": 652, "cnt": 3}, "aggregate {}".format(agg))
agg = Book.objects.aggregate(tags=Count("tags", distinct=True), pubs=Count("publisher", distinct=True))
check(agg == {"tags": 2, "pubs": 2}, "aggregate Count distinct {}".format(agg))
check(sorted(Tag.objects.annotate(n=Count("books")).filter(n__gt=1).values_list("label", flat=True))
      == ["classic", "sf"], "HAVING via filter")
check(Book.objects.filter(Q(price__lt=10) | Q(in_stock=False)).count() == 2, "Q objects OR")
check(Book.objects.filter(title__icontains="UN").get().pk == b2.pk, "icontains")
check(Book.objects.filter(published__year=1965).count() == 1, "__year lookup")
# F expressions
Book.objects.filter(publisher=p2).update(price=F("price") * 2, pages=F("pages") + 1)
check(Book.objects.get(pk=b2.pk).price == decimal.Decimal("19.98"), "update with F()")
check(Book.objects.filter(pages__gt=F("price")).count() == 2, "filter with F()")
# transactions
with transaction.atomic():
    Publisher.objects.create(name="Outer")
    try:
        with transaction.atomic():
            Publisher.objects.create(name="Inner")
            raise RuntimeError("roll back the savepoint")
    except RuntimeError:
        pass
check(sorted(Publisher.objects.values_list("name", flat=True)) ==
      ["Gyldendal", "Outer", "Tor"], "nested atomic savepoint rollback")
try:
    with transaction.atomic():
        Publisher.objects.create(name="Doomed")
        Publisher.objects.create(name="Tor")
    raise AssertionError("duplicate publisher accepted")
except IntegrityError as e:
    check(e.__cause__.pgcode == "23505", "unique violation is IntegrityError 23505")
check(not Publisher.objects.filter(name="Doomed").exists(), "atomic rolled back")
try:
    with transaction.atomic():
        Book.objects.create(publisher=p1, title="Sult", price=1, published=b1.published)
    raise AssertionError("unique_together violation accepted")
except IntegrityError as e:
    check(e.__cause__.pgcode == "23505", "unique_together violation 23505")
Publisher.objects.filter(name="Outer").delete()
Tag.objects.filter(label="sf").delete()
check(b2.tags.count() == 1, "delete cascades through m2m")


# admin changelist
def admin_changelist():
    from django.test import Client
    User.objects.create_superuser("admin", "admin@example.org", "admin-pw")
    c = Client()
    check(c.login(username="admin", password="admin-pw"), "admin login")
    r = c.get("/admin/")
    check(r.status_code == 200, "admin index")
    r = c.get("/admin/ormapp/book/?in_stock__exact=1&q=u&o=1")
    body = r.content.decode()
    check(r.status_code == 200 and "Dune" in body and "Sult" in body and "Hyperion" not in body,
          "admin changelist with filter/search/order")



def admin_change_form():
    from django.test import Client
    c = Client()
    c.login(username="admin", password="admin-pw")
    r = c.get("/admin/ormapp/book/{}/change/".format(b1.pk))
    check(r.status_code == 200 and "Sult" in r.content.decode(), "admin change form")


admin_changelist()
# The form's ModelChoiceField iterates its queryset with a psycopg2 named
# cursor: DECLARE "_django_curs_..." NO SCROLL CURSOR WITH HOLD FOR SELECT
# ..., FETCH FORWARD 2000 FROM ..., CLOSE ...
admin_change_form()

# inspectdb of the app's tables, compared with PostgreSQL's by run.sh
out = io.StringIO()
tables = ["ormapp_publisher", "ormapp_tag", "ormapp_book", "ormapp_book_tags"]
call_command("inspectdb", *tables, stdout=out)
with open(os.path.join(os.environ["ORM_OUT"], "introspect.txt"), "w") as f:
    f.write(out.getvalue())
check("class OrmappBook(models.Model)" in out.getvalue(), "inspectdb")
print("django fixture passed on", SERVER)
