"""evalsys instrument CONFIG import FILE | export ID: forms in and out of the instrument library.

``import`` reads an XLSForm (.xlsx, .xls) or a REDCap data dictionary (.csv) and stores its
blocks under ids of the owner (``--intervention SLUG``, as on the web and in the API, or
``--team NAME``); all of them or none. ``export`` writes a library or stored instrument as an
XLSForm, a REDCap data dictionary or YAML.
"""

from __future__ import annotations

from pathlib import Path

import surveys
from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.cli.common import intervention_by_slug
from evalsys.setup import instruments as stored
from evalsys.setup.instrument_export import EXPORT_FORMATS, export_file
from evalsys.setup.instrument_import import FORMATS, import_form

CONSENT = {
    "set": "the form's consent text is now the intervention's",
    "same": "the form's consent text is the intervention's already",
    "kept": "the form's consent text differs from the intervention's, which stays: change it "
    "on the set-up page if the form's is the right one",
    "not_stored": "the form's consent text is not stored (no --intervention): set it per "
    "intervention on its set-up page",
}


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    reading = actions.add_parser("import", help="import a form as instruments")
    reading.add_argument("file", metavar="FILE", help="an XLSForm (.xlsx, .xls) or REDCap .csv")
    reading.add_argument("--format", choices=FORMATS, help="default: by the file's name")
    owner = reading.add_mutually_exclusive_group(required=True)
    owner.add_argument(
        "--intervention",
        metavar="SLUG",
        help="the intervention it is for: ids start with its slug, its consent text is set "
        "from the form's when it has none",
    )
    owner.add_argument(
        "--team", metavar="NAME", help="a team's short name the ids start with instead"
    )
    writing = actions.add_parser("export", help="write an instrument as a file")
    writing.add_argument("id", metavar="ID", help="the instrument's id")
    writing.add_argument("--version", help="default: the newest")
    writing.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    writing.add_argument("-o", "--out", required=True, metavar="FILE")


def run(args) -> int:
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        if args.action == "import":
            return _import(dbsession, args)
        return _export(dbsession, args)


def _import(dbsession, args) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    intervention = None
    if args.intervention:
        intervention = intervention_by_slug(dbsession, args.intervention)
    try:
        result = import_form(
            dbsession,
            data,
            path.name,
            owner=args.intervention or args.team,
            fmt=args.format,
            intervention=intervention,
            language="en",
        )
    except stored.InstrumentImportError as error:
        lines = "".join(f"\n  {line}" for line in error.problems)
        raise CommandError(f"{path.name}: {_english(error.args[0])}{lines}") from None
    for block in result.blocks:
        new = f"{block.id}@{block.version}" in result.added
        origin = result.form_ids.get(block.id, block.id)
        print(
            f"{'stored' if new else 'stored before'}: {block.id} {block.version} "
            f"({block.kind}, {len(block.items)} items; form id {origin})"
        )
    if result.consent in CONSENT:
        print(CONSENT[result.consent])
    return 0


def _export(dbsession, args) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"folder {str(out.parent)!r} does not exist; create it first")
    try:
        instrument = stored.find(dbsession, args.id, args.version)
    except surveys.UnknownInstrumentError:
        known = ", ".join(sorted({i.id for i in stored.available(dbsession)}))
        raise CommandError(
            f"no instrument {args.id!r} {args.version or ''}; known: {known}"
        ) from None
    try:
        data = export_file(instrument, args.format)
    except stored.InstrumentImportError as error:
        raise CommandError(_english(error.args[0])) from None
    try:
        out.write_bytes(data)
    except OSError as error:
        raise CommandError(f"cannot write {out}: {error.strerror}") from None
    print(f"wrote {out}: {instrument.id} {instrument.version} ({args.format})")
    return 0


def _english(message) -> str:
    interpolate = getattr(message, "interpolate", None)
    return interpolate() if callable(interpolate) else str(message)
