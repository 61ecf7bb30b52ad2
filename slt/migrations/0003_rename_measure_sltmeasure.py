"""One glossary (#15): the app's `Measure` is called `SltMeasure`.

RenameModel renames the table and Django renames the content type; the rows that store the
model's name as text follow here: audit events (`app_label.model` in object_type, see
samarbeid/audit.py) and the default permissions (codenames name the model; per-object grants
in django-guardian point at them).
"""

from django.db import migrations

OLD, NEW = "measure", "sltmeasure"
APP = "slt"


def _rename_rows(apps, schema_editor, old: str, new: str) -> None:
    AuditEvent = apps.get_model("samarbeid", "AuditEvent")
    AuditEvent.objects.filter(object_type=f"{APP}.{old}").update(object_type=f"{APP}.{new}")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.filter(app_label=APP, model=new).first()
    if ct is None:
        return
    for action in ("add", "change", "delete", "view"):
        if Permission.objects.filter(content_type=ct, codename=f"{action}_{new}").exists():
            continue
        Permission.objects.filter(content_type=ct, codename=f"{action}_{old}").update(
            codename=f"{action}_{new}")


def forwards(apps, schema_editor) -> None:
    _rename_rows(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor) -> None:
    _rename_rows(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("slt", "0002_politirad_links"),
        ("samarbeid", "0011_compliance_snapshot"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameModel("Measure", "SltMeasure"),
        migrations.RenameIndex(model_name="sltmeasure", new_name="slt_sltmeas_status_8158bd_idx",
                               old_name="slt_measure_status_8dd6bc_idx"),
        migrations.RunPython(forwards, backwards),
    ]
