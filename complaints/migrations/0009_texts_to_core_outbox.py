from django.db import migrations


def move_unsent_texts(apps, schema_editor):
    """Texts to complainants now go through the core outbox; carry over what was not sent yet."""
    TextMessage = apps.get_model("complaints", "TextMessage")
    OutboundMessage = apps.get_model("core", "OutboundMessage")
    OutboundMessage.objects.bulk_create(
        OutboundMessage(channel="sms", recipient=text.phone, topic="complaint", body=text.text)
        for text in TextMessage.objects.filter(sent_at__isnull=True).iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_tier_indexes"),
        ("core", "0004_outbox"),
    ]

    operations = [
        migrations.RunPython(move_unsent_texts, migrations.RunPython.noop),
        migrations.DeleteModel(name="TextMessage"),
    ]
