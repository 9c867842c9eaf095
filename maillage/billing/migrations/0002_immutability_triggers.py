"""Issued invoices, their lines and closed periods cannot change: triggers on both engines.

SQLite raises with RAISE(ABORT) (a constraint error); PostgreSQL raises SQLSTATE 23000
(integrity_constraint_violation). Django maps both to IntegrityError, which the services turn
into a French refusal. Messages start with « maillage: » so they are recognisable.
"""

from django.db import migrations

MESSAGES = {
    "invoice_frozen": "maillage: facture émise, non modifiable",
    "line_frozen": "maillage: ligne de facture émise, non modifiable",
    "period_frozen": "maillage: période close, non modifiable",
    "closed_period": "maillage: période close, émission impossible",
}

SQLITE = [
    f"""CREATE TRIGGER billing_invoice_no_update BEFORE UPDATE ON billing_invoice
    WHEN OLD.status = 'issued' BEGIN SELECT RAISE(ABORT, '{MESSAGES["invoice_frozen"]}'); END""",
    f"""CREATE TRIGGER billing_invoice_no_delete BEFORE DELETE ON billing_invoice
    WHEN OLD.status = 'issued' BEGIN SELECT RAISE(ABORT, '{MESSAGES["invoice_frozen"]}'); END""",
    f"""CREATE TRIGGER billing_invoice_not_in_closed_period BEFORE UPDATE ON billing_invoice
    WHEN NEW.status = 'issued' AND EXISTS (
        SELECT 1 FROM billing_accountingperiod p
        WHERE p.seller_id = NEW.seller_id AND p.ends_on >= NEW.issue_date)
    BEGIN SELECT RAISE(ABORT, '{MESSAGES["closed_period"]}'); END""",
    f"""CREATE TRIGGER billing_invoice_insert_not_issued BEFORE INSERT ON billing_invoice
    WHEN NEW.status = 'issued'
    BEGIN SELECT RAISE(ABORT, '{MESSAGES["invoice_frozen"]}'); END""",
    f"""CREATE TRIGGER billing_line_no_insert BEFORE INSERT ON billing_invoiceline
    WHEN (SELECT status FROM billing_invoice WHERE id = NEW.invoice_id) = 'issued'
    BEGIN SELECT RAISE(ABORT, '{MESSAGES["line_frozen"]}'); END""",
    f"""CREATE TRIGGER billing_line_no_update BEFORE UPDATE ON billing_invoiceline
    WHEN (SELECT status FROM billing_invoice WHERE id = OLD.invoice_id) = 'issued'
      OR (SELECT status FROM billing_invoice WHERE id = NEW.invoice_id) = 'issued'
    BEGIN SELECT RAISE(ABORT, '{MESSAGES["line_frozen"]}'); END""",
    f"""CREATE TRIGGER billing_line_no_delete BEFORE DELETE ON billing_invoiceline
    WHEN (SELECT status FROM billing_invoice WHERE id = OLD.invoice_id) = 'issued'
    BEGIN SELECT RAISE(ABORT, '{MESSAGES["line_frozen"]}'); END""",
    f"""CREATE TRIGGER billing_period_no_update BEFORE UPDATE ON billing_accountingperiod
    BEGIN SELECT RAISE(ABORT, '{MESSAGES["period_frozen"]}'); END""",
    f"""CREATE TRIGGER billing_period_no_delete BEFORE DELETE ON billing_accountingperiod
    BEGIN SELECT RAISE(ABORT, '{MESSAGES["period_frozen"]}'); END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS " + name
    for name in (
        "billing_invoice_no_update",
        "billing_invoice_no_delete",
        "billing_invoice_not_in_closed_period",
        "billing_invoice_insert_not_issued",
        "billing_line_no_insert",
        "billing_line_no_update",
        "billing_line_no_delete",
        "billing_period_no_update",
        "billing_period_no_delete",
    )
]

POSTGRES = [
    f"""CREATE FUNCTION billing_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'issued' THEN
          RAISE EXCEPTION '{MESSAGES["invoice_frozen"]}' USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
      END IF;
      IF OLD.status = 'issued' THEN
        RAISE EXCEPTION '{MESSAGES["invoice_frozen"]}' USING ERRCODE = '23000';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      IF NEW.status = 'issued' AND EXISTS (
          SELECT 1 FROM billing_accountingperiod p
          WHERE p.seller_id = NEW.seller_id AND p.ends_on >= NEW.issue_date) THEN
        RAISE EXCEPTION '{MESSAGES["closed_period"]}' USING ERRCODE = '23000';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER billing_invoice_guard BEFORE INSERT OR UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_guard()""",
    f"""CREATE FUNCTION billing_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM billing_invoice WHERE id = OLD.invoice_id AND status = 'issued'))
         OR (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM billing_invoice WHERE id = NEW.invoice_id AND status = 'issued')) THEN
        RAISE EXCEPTION '{MESSAGES["line_frozen"]}' USING ERRCODE = '23000';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER billing_line_guard BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_line_guard()""",
    f"""CREATE FUNCTION billing_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{MESSAGES["period_frozen"]}' USING ERRCODE = '23000';
    END $$""",
    """CREATE TRIGGER billing_period_guard BEFORE UPDATE OR DELETE ON billing_accountingperiod
    FOR EACH ROW EXECUTE FUNCTION billing_period_guard()""",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS billing_invoice_guard ON billing_invoice",
    "DROP FUNCTION IF EXISTS billing_invoice_guard()",
    "DROP TRIGGER IF EXISTS billing_line_guard ON billing_invoiceline",
    "DROP FUNCTION IF EXISTS billing_line_guard()",
    "DROP TRIGGER IF EXISTS billing_period_guard ON billing_accountingperiod",
    "DROP FUNCTION IF EXISTS billing_period_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
