"""Encrypt addresses and the identity link at rest (ADR 0008), converting existing rows."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import safeguard.site.fields
from safeguard.site import crypto

ADDRESS_COLUMNS = ["line1", "town", "postcode", "latitude", "longitude"]


def encrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for column in ADDRESS_COLUMNS:
            cursor.execute(f"SELECT id, {quote(column)} FROM people_personaddress")  # noqa: S608  # nosec B608
            for key, value in cursor.fetchall():
                if value is None or str(value).startswith(crypto.PREFIX + ":"):
                    continue
                plain = repr(float(value)) if column in ("latitude", "longitude") else str(value)
                sealed = crypto.encrypt(plain, context=f"people.personaddress.{column}")
                cursor.execute(
                    f"UPDATE people_personaddress SET {quote(column)} = %s WHERE id = %s",  # noqa: S608  # nosec B608
                    [sealed, key],
                )
    Address = apps.get_model("people", "PersonAddress")
    for address in Address.objects.all():
        digest = crypto.blind_index(address.postcode.replace(" ", ""), context="people.postcode")
        Address.objects.filter(pk=address.pk).update(postcode_index=digest)
    Link = apps.get_model("people", "IdentityLink")
    for link in Link.objects.all():
        Link.objects.filter(pk=link.pk).update(
            former_ref=str(link.former_id),
            former_index=crypto.blind_index(
                str(link.former_id), context="people.identitylink.former"
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_break_glass")]

    operations = [
        migrations.AlterField("personaddress", "line1", safeguard.site.fields.EncryptedTextField()),
        migrations.AlterField("personaddress", "town", safeguard.site.fields.EncryptedTextField()),
        migrations.AlterField(
            "personaddress", "postcode", safeguard.site.fields.EncryptedTextField()
        ),
        migrations.AlterField(
            "personaddress",
            "latitude",
            safeguard.site.fields.EncryptedFloatField(blank=True, null=True),
        ),
        migrations.AlterField(
            "personaddress",
            "longitude",
            safeguard.site.fields.EncryptedFloatField(blank=True, null=True),
        ),
        migrations.AddField(
            "personaddress",
            "postcode_index",
            models.CharField(blank=True, db_index=True, max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            "identitylink",
            "former_ref",
            safeguard.site.fields.EncryptedTextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            "identitylink",
            "former_index",
            models.CharField(max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
        migrations.RemoveConstraint("identitylink", "identity_distinct"),
        migrations.RemoveField("identitylink", "former"),
        migrations.AlterField(
            "identitylink", "former_index", models.CharField(max_length=64, unique=True)
        ),
    ]
