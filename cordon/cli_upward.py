"""``cordon report send``, ``cordon federation`` and ``cordon retention``: what goes upward and what is
kept."""

from __future__ import annotations

import json
import sys

from django.utils.translation import gettext as _

from cordon.cli_common import CommandError, _actor, _area


def cmd_report_send(args) -> int:
    from cordon.federation import services as federation
    from cordon.reports import services
    from cordon.reports.models import DailyReport

    actor = _actor(args)
    area = services.report_area(actor, args.area)
    day, _as_of = services.parse_day(args.date)
    latest = DailyReport.objects.filter(area=area, day=day).order_by("-version").first()
    if latest and latest.is_sent:
        if not args.reason:
            raise CommandError(_("This report has been sent; give --reason to send a correction."))
        draft = services.report_correct(actor=actor, report=latest, reason=args.reason)
    else:
        draft = services.report_generate(actor=actor, area=area, day=day)
    sent = federation.report_send(actor=actor, report=draft)
    print(json.dumps({"area": sent.area_id, "date": sent.day.isoformat(), "version": sent.version}))
    return 0


def cmd_federation(args) -> int:
    from pathlib import Path

    from cordon.federation import keys, receiving, selectors, services

    if args.action in ("export", "import") and args.kind:  # argparse gave the first path to ``kind``
        args.paths = [args.kind, *args.paths]
    if args.action == "key":
        data = {"key_id": keys.key_id(), "public_key": keys.public_key_text()}
        print(json.dumps(data) if args.json else f"{data['key_id']}  {data['public_key']}")
    elif args.action == "add":
        if args.kind not in ("parent", "child", "neighbour") or not (
            args.area and args.key and args.own_area
        ):
            raise CommandError(
                _("federation add needs parent|child|neighbour, --area, --key and --own-area.")
            )
        peer = services.peer_add(
            actor=_actor(args),
            kind=args.kind,
            name=args.name or "",
            url=args.url or "",
            area_code=args.area,
            public_key=args.key,
            own_area=args.own_area,
        )
        print(json.dumps({"kind": peer.kind, "area_code": peer.area_code, "key_id": peer.key_id}))
    elif args.action == "status":
        data = selectors.overview()
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            for peer in data["peers"]:
                url = peer["url"] or "-"
                print(f"{peer['kind']:6} {peer['area_code']} {peer['name']} {url} {peer['key_id']}")
            print(_("%(n)s package(s) queued.") % {"n": data["queued"]})
            for entry in data["outbox"]:
                print(
                    f"  {entry['status']:8} {entry['area_code']} {entry['day']} v{entry['version']} "
                    f"tries={entry['attempts']} next={entry['next_attempt_at'] or '-'} {entry['last_error']}"
                )
    elif args.action == "push":
        print(json.dumps(services.push_due()))
    elif args.action == "export":
        if not args.paths:
            raise CommandError(_("federation export needs a directory."))
        directory = Path(args.paths[0])
        directory.mkdir(parents=True, exist_ok=True)
        for path in services.export_files(directory):
            print(path)
    elif args.action == "import":
        if not args.paths:
            raise CommandError(_("federation import needs one or more files."))
        refused = 0
        for name in args.paths:
            from django.core.exceptions import ValidationError

            try:
                taken = receiving.take(Path(name).read_bytes(), via="file")
            except ValidationError as exc:
                refused += 1
                print(f"{name}: {' '.join(exc.messages)}", file=sys.stderr)
            else:
                if taken["kind"] == "daily_report":
                    print(f"{name}: {taken['area']} {taken['date']} v{taken['version']}")
                else:
                    print(f"{name}: {taken['message']}")
        return 1 if refused else 0
    else:
        return _handovers(args)
    return 0


def _handovers(args) -> int:
    """``cordon federation handovers|handover|accept|decline``: hand-overs to towns on other servers."""
    from cordon.accounts.scope import get_visible_or_404, visible_area
    from cordon.federation import handovers, selectors
    from cordon.people.models import Person

    actor = _actor(args)
    rows = selectors.handovers_for(actor)
    if args.action == "handovers":
        data = [selectors.handover_out(h) for h in rows[:200]]
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=1))
        for h in [] if args.json else data:
            print(
                f"{h['id']:5} {h['direction']:3} {h['status']:8} {h['person_name']} "
                f"{h['from']['code']} → {h['to']['code']}"
            )
        return 0
    if args.action == "handover":
        if not (args.person and args.area):
            raise CommandError(_("federation handover needs --person and --area (the receiving town)."))
        person = get_visible_or_404(Person.objects, actor, pk=args.person)
        found = handovers.handover_send(
            actor=actor, person=person, to_code=args.area, to_name=args.name or "", note=args.reason or ""
        )
    else:
        if not args.id:
            raise CommandError(_("federation accept|decline needs --id."))
        found = rows.filter(pk=args.id).first()
        if found is None:
            raise CommandError(_("No such hand-over."))
        if args.action == "accept":
            area = visible_area(actor, args.area) if args.area else None
            found = handovers.handover_accept(actor=actor, handover=found, area=area)
        else:
            found = handovers.handover_decline(actor=actor, handover=found, reason=args.reason or "")
    print(json.dumps(selectors.handover_out(found), ensure_ascii=False))
    return 0


def cmd_retention(args) -> int:
    import datetime as dt

    from cordon.retention import services

    actor = _actor(args)
    if args.action == "set":
        if not (args.area and args.kind and args.days is not None):
            raise CommandError(_("retention set needs --area, --kind and --days."))
        policy = services.policy_set(
            actor=actor, area=_area(actor, args.area), kind=args.kind, days=args.days
        )
        print(json.dumps({"area": policy.area_id, "kind": policy.kind, "days": policy.days}))
        return 0
    today = dt.date.fromisoformat(args.date) if args.date else None
    results = services.retention_run(actor=actor, today=today, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for row in results:
            verb = _("removed") if row["done"] else _("would be removed")
            print(f"{row['area']} {row['kind']} < {row['before']}: {row['count']} {verb}")
        months = next((row["months"] for row in results if row.get("months")), [])
        if months:
            verb = _("dropped whole") if not args.dry_run else _("would be dropped whole")
            print(f"{_('Months of passages')} {verb}: {', '.join(months)}")
    return 0
