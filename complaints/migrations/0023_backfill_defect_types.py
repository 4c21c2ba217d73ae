"""The default defect catalogue, then the older complaints' free-text sub-categories (渗漏水, 裂缝…)
mapped to types where they match (``rules.defect_code_for``, read with the title). Construction and
design complaints only; a complaint that already has a type keeps it. The post_migrate install adds
later additions to the default catalogue; this one is there so that the backfill finds the types."""

from django.db import migrations

from complaints.rules import defects as defect_rules


def install_and_backfill(apps, schema_editor):
    DefectType = apps.get_model("complaints", "DefectType")
    Complaint = apps.get_model("complaints", "Complaint")
    for parent_order, (parent_code, parent_name, leaves) in enumerate(defect_rules.DEFAULT_DEFECT_TYPES, 1):
        parent, _created = DefectType.objects.get_or_create(
            code=parent_code, defaults={"name": parent_name, "order": parent_order * 10}
        )
        for order, (code, name) in enumerate(leaves, 1):
            DefectType.objects.get_or_create(code=code, defaults={"name": name, "parent": parent, "order": order})
    ids = dict(DefectType.objects.filter(parent__isnull=False).values_list("code", "pk"))
    # One UPDATE per rule, in rules.defect_code_for's order: title rules, leaf names, generic words.
    typed = Complaint.objects.filter(
        category__in=defect_rules.DEFECT_CATEGORIES, defect_type__isnull=True
    ).exclude(sub_category="")
    for text, words, code in defect_rules.SUB_CATEGORY_TITLE_TYPES:
        matching = typed.filter(defect_type__isnull=True, sub_category=text)
        for word in words:
            matching = matching.filter(title__contains=word)
        matching.update(defect_type_id=ids[code])
    for leaf_code, leaf_name in ((c, n) for _p, _n, leaves in defect_rules.DEFAULT_DEFECT_TYPES for c, n in leaves):
        typed.filter(defect_type__isnull=True, sub_category=leaf_name).update(defect_type_id=ids[leaf_code])
    for text, code in defect_rules.SUB_CATEGORY_TYPES.items():
        typed.filter(defect_type__isnull=True, sub_category=text).update(defect_type_id=ids[code])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0022_defect_types")]

    operations = [migrations.RunPython(install_and_backfill, migrations.RunPython.noop)]
