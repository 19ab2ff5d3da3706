"""The ``cordon`` command, for operators.

    cordon demo [--if-empty]            load the seed town into an empty database
    cordon serve [--host H] [--port N]  serve with gunicorn (a production WSGI server) and a job worker
    cordon worker                       run background jobs only
    cordon migrate                      create or update the database tables
    cordon createuser NAME --role R --area CODE [--full-name N] [--phone P] [--password-stdin]
    cordon users [--json] | cordon users disable|enable|reset-password|unlock NAME
    cordon areas [--json] [--within CODE] | cordon areas add CODE NAME [--note TEXT]
    cordon import people FILE --area CODE [--dry-run] [--json] [--move]
    cordon import-lab-results FILE --as USER [--area CODE] [--dry-run] [--json]   a lab's result list
    cordon observation sweep [--date YYYY-MM-DD] [--area CODE] [--json]   for cron: safe to run twice
    cordon cases chain CASE [--depth N] [--json]   a case's chain (CASE: an id or 廊坊市第23例)
    cordon report daily --area CODE --date YYYY-MM-DD|now --format text|json|xlsx [--output FILE]
    cordon report send --area CODE --date YYYY-MM-DD [--reason TEXT]   generate and send (a correction
                                        with --reason when sent already); queued for the parent server
    cordon federation key [--json]      this server's public key, for the parent and the children
    cordon federation add parent|child|neighbour --area CODE --key KEY [--url URL] [--name N] --own-area CODE
    cordon federation status [--json]   the peers, the queue (attempts, next try), what came in
    cordon federation push              push the queued packages whose time has come (the worker does too)
    cordon federation export DIR        write the queued packages to DIR (a USB stick)
    cordon federation import FILE…      take package files (reports, hand-overs, answers) from another server
    cordon federation handover --person ID --area TOWN [--name N] [--reason R]   to a town on another server
    cordon federation handovers [--json]                 hand-overs to and from other servers
    cordon federation accept --id N [--area CODE]        take in a person handed from another server
    cordon federation decline --id N --reason R          decline it (the answer goes back signed)
    cordon retention set --area CODE --kind passages|counselling|access_logs|observation --days N
    cordon retention run [--dry-run] [--date YYYY-MM-DD] [--json]   remove what is past its period
    cordon backup FILE [--force]        the database and the keys, encrypted (CORDON_BACKUP_PASSPHRASE)
    cordon restore FILE [--force] [--keys-only]   onto an empty database: rows and keys, all or nothing
    cordon check                        Django's deployment checks
    cordon manage ARGS…                 any Django management command

Changes run as the operator account unless ``--as USERNAME`` names a user, whose roles then apply
exactly as on the web. Exit status: 0 done, 1 refused (the message says why), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from django.utils.translation import gettext as _

from cordon import cli_lab
from cordon.cli_backup import cmd_backup, cmd_restore
from cordon.cli_common import CommandError, _actor, _area, _setup
from cordon.cli_import import cmd_import
from cordon.cli_serve import cmd_serve, cmd_worker
from cordon.cli_upward import cmd_federation, cmd_report_send, cmd_retention


def cmd_demo(args) -> int:
    from cordon import demo

    if not demo.database_is_empty():
        if args.if_empty:
            print(_("The database already holds data; the demo town was not loaded."))
            return 0
        raise CommandError(
            _("The database already holds data; the demo town is loaded only into an empty one.")
        )
    print(_("Loading the demo town 堂二里镇…"))
    data = demo.load()
    print(_("Demo logins (password %(password)s):") % {"password": data["password"]})
    for user in data["users"]:
        print(f"  {user['username']:<12} {user['full_name']}  {user['about']}")
    return 0


def cmd_migrate(args) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_createuser(args) -> int:
    from cordon.accounts import services

    actor = _actor(args)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    area = _area(actor, args.area)
    role_area = _area(actor, args.role_area) if args.role_area else area
    user, temporary = services.user_create(
        actor=actor,
        username=args.username,
        full_name=args.full_name or args.username,
        phone=args.phone or "",
        area=area,
        roles=[(args.role, role_area)],
        password=password,
    )
    print(_("Created %(name)s.") % {"name": user.display_name})
    if temporary:
        print(
            _("Temporary password (shown once; to be changed at first login): %(password)s")
            % {"password": temporary}
        )
    return 0


def cmd_users(args) -> int:
    from cordon.accounts import selectors, services
    from cordon.accounts.models import Role, User

    actor = _actor(args)
    if args.action:
        try:
            user = User.objects.visible_to(actor, roles=[Role.COMMANDER]).get(username=args.username)
        except User.DoesNotExist:
            raise CommandError(_("No such user: %(name)s") % {"name": args.username}) from None
        if args.action == "disable":
            services.user_set_active(actor=actor, user=user, active=False, reason=args.reason or "")
        elif args.action == "enable":
            services.user_set_active(actor=actor, user=user, active=True)
        elif args.action == "reset-password":
            temporary = services.user_reset_password(actor=actor, user=user)
            print(
                _("Temporary password (shown once; to be changed at first login): %(password)s")
                % {"password": temporary}
            )
        elif args.action == "unlock":
            services.user_unlock(actor=actor, user=user)
        print(_("Done."))
        return 0
    users = selectors.users_for_manager(actor)
    rows = [
        {
            "username": u.username,
            "full_name": u.full_name,
            "area": u.area_id,
            "active": u.is_active,
            "roles": [{"role": r.role, "area": r.area_id} for r in u.role_assignments.all()],
        }
        for u in users
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            roles = ", ".join(f"{r['role']}@{r['area']}" for r in row["roles"])
            state = "" if row["active"] else "  [" + _("disabled") + "]"
            print(f"{row['username']:<16} {row['full_name']:<8} {row['area'] or '-':<15} {roles}{state}")
    return 0


def cmd_areas(args) -> int:
    from cordon.accounts import services
    from cordon.accounts.models import Area
    from cordon.core import codes

    actor = _actor(args)
    if args.action == "add":
        area = services.area_create(actor=actor, code=args.code, name=args.name, note=args.note or "")
        print(_("Added %(name)s (%(code)s).") % {"name": area.name, "code": area.code})
        return 0
    areas = Area.objects.visible_to(actor)
    if args.within:
        areas = areas.within(_area(actor, args.within))
    rows = [{"code": a.code, "name": a.name, "level": a.level, "parent": a.parent_id} for a in areas]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            depth = codes.LEVELS.index(row["level"])
            print(f"{'  ' * depth}{row['code']}  {row['name']}")
    return 0


def cmd_observation(args) -> int:
    from datetime import date

    from cordon.observation.sweep import sweep

    actor = _actor(args)
    area = _area(actor, args.area) if args.area else None
    try:
        day = date.fromisoformat(args.date) if args.date else None
        result = sweep(actor=actor, day=day, area=area)
    except ValueError:
        print(_("Give a date that is not in the future, as YYYY-MM-DD."), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return 0
    print(
        _(
            "%(day)s: %(missed)s missed check(s) recorded, %(opened)s period(s) opened, "
            "%(due)s due to complete."
        )
        % {"day": result.day, "missed": result.missed_marked, "opened": result.opened, "due": len(result.due)}
    )
    for item in result.due:
        state = _("can be completed") if item["completable"] else "；".join(item["blockers"])
        print(f"  {item['area_name']} {item['person']} {item['planned_end']}  {state}")
    return 0


def cmd_cases(args) -> int:
    from cordon.cases import selectors

    actor = _actor(args)
    case = selectors.case_by_reference(actor, args.case)
    if case is None:
        print(_("No such case in your areas: %(case)s") % {"case": args.case}, file=sys.stderr)
        return 1
    graph = selectors.chain_graph(case, actor, depth=max(1, min(args.depth, 10)))
    if args.json:
        data = {"root": graph.root, "nodes": graph.nodes, "edges": graph.edges, "truncated": graph.truncated}
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    for row in selectors.chain_rows(graph):
        print(
            f"{row['from']['label']} → {row['to']['label']}  {row['degree_label']}  {row['setting_label']}  "
            f"{row['last_exposure']}"
        )
    return 0


def cmd_report(args) -> int:
    from cordon.reports import services
    from cordon.reports.report_xlsx import report_xlsx

    actor = _actor(args)
    area = services.report_area(actor, args.area)
    day, as_of = services.parse_day(args.date)
    report = services.report_for(viewer=actor, area=area, day=day, as_of=as_of)
    if args.format == "xlsx":
        if not args.output:
            raise CommandError(_("An .xlsx needs --output FILE."))
        data = report_xlsx(report)
    elif args.format == "json":
        data = (json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n").encode()
    else:
        data = (report.text + "\n").encode()
    if args.output:
        with open(args.output, "wb") as out:
            out.write(data)
    else:
        sys.stdout.write(data.decode())
    return 0


def cmd_check(args) -> int:
    from django.core.management import call_command

    call_command("check", deploy=True)
    return 0


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cordon manage", *args.rest])
    return 0


GENERAL_NOTES = """\
Changes run as the operator account (`system`, which can never log in) unless `--as USERNAME` is
given, in which case that user's roles apply exactly as on the web. Exit status: 0 done, 1 refused
(the message, in Chinese, says why), 2 bad arguments. Roles: commander, command_staff, village_head,
village_clerk, checkpoint_guard, health_worker, field_team, counsellor, viewer. `cordon serve` runs
gunicorn and a job worker side by side; `--no-worker` serves only (run `cordon worker` elsewhere).
"""

IMPORT_NOTES = """\
`--json` prints {"created", "updated", "unchanged", "rejected", "skipped", "errors": [{"row",
"column", "message"}], "notes": [{"row", "column", "message"}]} (each entry also names its `sheet`;
a note about a whole sheet has "row": null). Every row read is counted in exactly one of the five:
created (a new person, or a new arrival of a known person whose stored fields stay as they were),
updated (a field of a stored person or arrival changed), unchanged (everything the row says is stored
already, a row repeating an earlier row of the file included), rejected (nothing of it written;
`errors` says why), skipped (not a person: totals, subtotals, signature and date lines, the header
again; `notes` says which). Exit status: 0 when every row was taken, 1 when some were rejected (the
rest are kept), 2 when nothing could be read. Skipped rows and notes (a phone cell reading 无, the year
assumed for 2月3日) are never a reason for exit status 1; the text summary and --dry-run print the
notes too. A row that puts a known person in another village is rejected, for the operator as for a
clerk; --move moves such a person to the ledger's village, recorded as a transfer in the audit trail.
"""

SWEEP_NOTES = """\
For cron (e.g. `30 22 * * * cordon observation sweep`, and once after midnight): records every check
a period owed and nobody entered as missed, opens the periods that arrivals in an observed ledger are
owed, and lists the periods due to complete with what still blocks each. It completes nothing and
closes no alert, and running it twice changes nothing more.
"""

BACKUP_NOTES = """\
The passphrase is read from CORDON_BACKUP_PASSPHRASE (at least 12 characters; it is written nowhere).
The file holds every row of the database and the installation's keys (the pass-signing key, the
federation key, the secret key), all encrypted with AES-256-GCM under a key scrypt derives from the
passphrase; keep the passphrase apart from the file. `restore` checks the whole file first (a wrong
passphrase, a changed or cut-off file are refused), refuses a database that holds anything beyond
what `cordon migrate` makes unless --force, then loads every row in one transaction and writes the
keys into var/ (a different key found there is kept as *.before-restore). A key set in the
environment is not replaced: it must be the backup's. Printed exit passes verify again afterwards.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cordon",
        description="Cordon: epidemic prevention and control, for operators.",
        epilog=GENERAL_NOTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="load the seed town 堂二里镇 into an empty database")
    p.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) when the database holds data")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="serve the web app and API with gunicorn")
    p.add_argument("--host", default=os.environ.get("CORDON_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("CORDON_PORT", "8000")))
    p.add_argument("--workers", type=int, default=int(os.environ.get("CORDON_WORKERS", "2")))
    p.add_argument("--no-worker", action="store_true", help="serve only; run `cordon worker` elsewhere")
    p.set_defaults(func=cmd_serve, needs_django=False)

    p = sub.add_parser("worker", help="run background jobs (imports, large exports); `serve` starts one")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database tables")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("createuser", help="create an account with a role")
    p.add_argument("username")
    p.add_argument(
        "--role",
        required=True,
        help="commander, command_staff, village_head, village_clerk, "
        "checkpoint_guard, health_worker, field_team, counsellor or viewer",
    )
    p.add_argument("--area", required=True, help="division code of the area the account belongs to")
    p.add_argument("--role-area", help="division code where the role is held (default: --area)")
    p.add_argument("--full-name", "--name", dest="full_name")
    p.add_argument("--phone")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--as", dest="as_user", metavar="USERNAME", help="act as this user (their roles apply)")
    p.set_defaults(func=cmd_createuser)

    p = sub.add_parser("users", help="list accounts, or disable/enable/reset-password/unlock one")
    p.add_argument("action", nargs="?", choices=["disable", "enable", "reset-password", "unlock"])
    p.add_argument("username", nargs="?")
    p.add_argument("--reason")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("areas", help="print the area tree, or add an area")
    p.add_argument("action", nargs="?", choices=["add"])
    p.add_argument("code", nargs="?")
    p.add_argument("name", nargs="?")
    p.add_argument("--note")
    p.add_argument("--within", metavar="CODE")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=cmd_areas)

    p = sub.add_parser(
        "import",
        help="import a ledger file: cordon import people FILE --area CODE",
        epilog=IMPORT_NOTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("what", choices=["people"])
    p.add_argument("file")
    p.add_argument("--area", required=True, help="division code of the village (or town) the ledger is for")
    p.add_argument("--dry-run", action="store_true", help="check and report, store nothing")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--move",
        action="store_true",
        help="a known person whose row names another village is moved there (audited as a transfer)",
    )
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=cmd_import)

    cli_lab.add_parser(sub)

    p = sub.add_parser(
        "observation",
        help="cordon observation sweep [--date D]: mark missed checks, list due",
        epilog=SWEEP_NOTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("what", choices=["sweep"])
    p.add_argument("--date", help="sweep up to the end of this day (YYYY-MM-DD; default: up to now)")
    p.add_argument("--area", help="only this area (division code)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=cmd_observation)

    p = sub.add_parser("cases", help="cordon cases chain CASE: a case's transmission chain")
    p.add_argument("what", choices=["chain"])
    p.add_argument("case", help="the case's id, or its number as 廊坊市第23例")
    p.add_argument("--depth", type=int, default=10, help="generations up and down (1–10)")
    p.add_argument("--json", action="store_true", help="nodes and edges, as the API gives them")
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser(
        "report", help="cordon report daily|send --area CODE --date D: the daily report (日报)"
    )
    p.add_argument("what", choices=["daily", "send"])
    p.add_argument("--reason", help="send: the reason of a correction when the day's report was sent")
    p.add_argument("--area", required=True, help="division code of the area (village, town, county)")
    p.add_argument("--date", default="now", help="the day, YYYY-MM-DD (as of its 24:00), or now")
    p.add_argument("--format", choices=["text", "json", "xlsx"], default="text")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=lambda args: cmd_report_send(args) if args.what == "send" else cmd_report(args))

    p = sub.add_parser("federation", help="the parent and child servers, and the packages between them")
    p.add_argument(
        "action",
        choices=[
            "key",
            "add",
            "status",
            "push",
            "export",
            "import",
            "handovers",
            "handover",
            "accept",
            "decline",
        ],
    )
    p.add_argument("kind", nargs="?", help="add: parent, child or neighbour")
    p.add_argument("paths", nargs="*", help="export: a directory; import: package files")
    p.add_argument(
        "--area", help="add: the other server's area code; handover: the receiving town; accept: where"
    )
    p.add_argument("--person", type=int, help="handover: the person's id")
    p.add_argument("--id", type=int, help="accept, decline: the hand-over's id")
    p.add_argument("--reason", help="handover: why; decline: why not")
    p.add_argument("--own-area", help="add: this server's area code")
    p.add_argument("--key", help="add: the other server's public key (base64)")
    p.add_argument("--url", help="add: the other server's address (empty: by file only)")
    p.add_argument("--name")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=cmd_federation)

    p = sub.add_parser("retention", help="how long closed records are kept; remove what is past it")
    p.add_argument("action", choices=["set", "run"])
    p.add_argument("--area", help="set: the town's code")
    p.add_argument("--kind", choices=["passages", "counselling", "access_logs", "observation"])
    p.add_argument("--days", type=int)
    p.add_argument("--dry-run", action="store_true", help="run: count, change nothing")
    p.add_argument("--date", help="run: today's date for the periods (default: today)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as", dest="as_user", metavar="USERNAME")
    p.set_defaults(func=cmd_retention)

    p = sub.add_parser(
        "backup",
        help="write the database and the installation's keys into FILE, encrypted",
        epilog=BACKUP_NOTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace FILE when it exists")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="put a backup's rows and keys back, onto an empty database",
        epilog=BACKUP_NOTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace everything the database holds")
    p.add_argument(
        "--keys-only",
        action="store_true",
        help="only the keys, for a server that kept its data and lost its keys",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help="Django's deployment checks")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "users" and args.action and not args.username:
        parser.error(f"users {args.action} needs a USERNAME")
    if args.command == "areas" and args.action == "add" and not (args.code and args.name):
        parser.error("areas add needs CODE and NAME")
    if getattr(args, "needs_django", True):
        _setup()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import DatabaseError
    from django.http import Http404

    from cordon.core.context import source

    try:
        with source("cli"):
            return args.func(args) or 0
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValidationError as exc:
        for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
            for message in messages:
                print(f"{field}: {message}" if field and field != "__all__" else message, file=sys.stderr)
        return 1
    except (PermissionDenied, Http404) as exc:
        print(str(exc) or _("Your role does not allow this here."), file=sys.stderr)
        return 1
    except DatabaseError as exc:
        print(database_error_message(exc), file=sys.stderr)
        return 1


def database_error_message(exc) -> str:
    """What a database error means to the operator, without a value from a row.

    Only a missing table means "not migrated"; a locked or unreachable database says so. The
    database's own text is shown only for operational errors (locks, connections, missing tables),
    whose messages never carry a row's values; a constraint's message can carry an ID number.
    """
    from django.db import OperationalError, ProgrammingError

    text = str(exc).splitlines()[0] if str(exc) else ""
    missing = ("no such table", "does not exist", "no such column")
    if isinstance(exc, (OperationalError, ProgrammingError)) and any(m in text for m in missing):
        return _("The database is not ready (%(error)s). Run `cordon migrate` first.") % {"error": text}
    if isinstance(exc, OperationalError) and "locked" in text:
        return _("The database is busy: another Cordon process holds it (%(error)s). Try again.") % {
            "error": text
        }
    if isinstance(exc, OperationalError):
        return _("The database cannot be used (%(error)s).") % {"error": text}
    return _("The database refused the change (%(error)s).") % {"error": exc.__class__.__name__}


if __name__ == "__main__":
    sys.exit(main())
