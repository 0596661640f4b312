"""Importing and exporting the directory: Open Referral HSDS 3.0 and our CSV."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentSet, load
from bot.directory import ContactData, Directory, search, validate
from bot.hsds import (
    ImportFileError,
    import_file,
    match_kinds,
    read_csv,
    read_hsds,
    schedules_to_opening_hours,
    write_csv,
    write_hsds,
)
from bot.store import open_database

SAMPLE = Path(__file__).parent / "data" / "hsds" / "sample.json"
NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)  # a Tuesday morning in London
TODAY = NOW.date()


@pytest.fixture
def content(content_dir: Path) -> ContentSet:
    return load(content_dir)


@pytest.fixture
def directory(tmp_path: Path) -> Directory:
    return Directory(open_database(tmp_path / "first48.db"))


def imported(directory: Directory) -> dict[str, ContactData]:
    return {c.name: c.data for c in directory.contacts()}


def without_source(data: ContactData) -> dict[str, object]:
    return {**data.as_json(), "source": None}


# --- HSDS in ---


def test_the_hsds_sample_imports_the_good_services_and_reports_each_bad_row(
    directory: Directory, content: ContentSet
) -> None:
    report = import_file(directory, content, SAMPLE, NOW)

    assert (report.imported, report.skipped, report.new) == (4, 6, 4)
    assert sorted(imported(directory)) == [
        "Headingley Pharmacy",
        "Needle exchange (Harbourside Project)",
        "Opioid substitution clinic (Aire Valley Drug Service)",
        "Winter night shelter (Example Shelter Network)",
    ]
    problems = [str(p) for p in report.parsed.problems]
    example = "row 1 (ac148810-d857-441c-9679-408f346de14b / Community Counselling)"
    assert f"{example}: kind: no kind of help first48 lists matches" in problems[0]
    assert problems[1].startswith(f"{example}: location: Latitude and longitude")
    assert "row 6 (0b6f3f52-6b0e-4c51-9b57-1a0c2d7e0007 / no name): name:" in problems[2]
    assert problems[3] == (
        "row 7 (0b6f3f52-6b0e-4c51-9b57-1a0c2d7e0008 / Drop-in needle exchange): location: "
        "'Atlantis' is not a town first48 knows (content/areas.yml), and there are no coordinates"
    )
    assert problems[4].startswith("row 8 (") and "phones: Enter a phone number" in problems[4]
    assert problems[5].endswith(
        "/ Seaside drug service): location: 'Skegness' is not a town first48 knows "
        "(content/areas.yml), and the nearest town, Nottingham, is 102 km away"
    )
    assert problems[6].endswith("(closed)): status: marked 'defunct' in the file")
    assert len(problems) == 7


def test_hsds_fields_become_the_contact_the_bot_shows(
    directory: Directory, content: ContentSet
) -> None:
    import_file(directory, content, SAMPLE, NOW)
    contacts = imported(directory)

    clinic = contacts["Opioid substitution clinic (Aire Valley Drug Service)"]
    assert clinic.kinds == ("ost_prescriber", "drug_service")
    assert (clinic.area_id, clinic.lat, clinic.lon) == ("leeds", 53.7965, -1.5437)
    assert clinic.address == "2 Example Street, LS1 4AP"
    assert clinic.phone == "+44 113 496 0123"  # the quotes round the number are gone
    assert clinic.notes.endswith("close to where you stay.\nPhone extension 100.")
    assert len(clinic.notes) < 450  # the description, shortened at a sentence
    assert clinic.opening_hours == "Mo-Th 09:00-12:00,15:00-17:00; Fr[-1] 17:00-19:30"
    assert clinic.languages == ("ur",)
    assert clinic.verified_on == "2026-01-15"
    assert clinic.source == "HSDS import: sample.json"

    exchange = contacts["Needle exchange (Harbourside Project)"]
    assert exchange.kinds == ("naloxone", "needle_exchange")
    assert exchange.phone == "0117 496 0456"  # not the fax
    assert exchange.website == "https://www.example.org/harbourside"
    assert exchange.opening_hours == "Mo-Fr 10:00-16:00; Sa 10:00-13:00"
    assert exchange.verified_on == "2026-02-20"  # from last_modified

    shelter = contacts["Winter night shelter (Example Shelter Network)"]
    assert shelter.area_id == "london"  # city "Camden": the nearest town to its coordinates
    assert shelter.address == "1 Example Road, Camden, NW1 0AA"
    assert shelter.opening_hours == "Mo-Su 19:00-08:00"

    pharmacy = contacts["Headingley Pharmacy"]
    assert (pharmacy.area_id, pharmacy.kinds) == ("leeds", ("ost_pharmacy",))
    assert pharmacy.opening_hours == "Mo-Fr 09:00-18:00"


def test_what_a_good_row_loses_is_a_warning_with_its_row(content: ContentSet) -> None:
    parsed = read_hsds(SAMPLE.read_text(), content, TODAY, "sample.json")

    warnings = [str(w) for w in parsed.warnings]
    clinic = "row 2 (0b6f3f52-6b0e-4c51-9b57-1a0c2d7e0002 / Opioid substitution clinic)"
    pharmacy = "row 5 (0b6f3f52-6b0e-4c51-9b57-1a0c2d7e0006 / Headingley Pharmacy)"
    assert warnings == [
        f"{clinic}: schedules: schedule 3 left out: it ended on 2020-11-07 "
        "(it says: First Saturday of the month from July-Nov, 9am-5pm)",
        f"{clinic}: languages: 'Polish' left out: first48 needs two-letter language codes, "
        "like ur or pl",
        f"{pharmacy}: service_at_locations: only the first of 2 locations was imported; "
        "add the others as services of their own",
        f"{pharmacy}: schedules: schedule 2 left out: opens_at 'late morning' is not a time "
        "like 09:00 (it says: Sunday: late morning until 1pm)",
        f"{pharmacy}: schedules: schedule 3 left out: it repeats every 2 weeks",
    ]


async def test_imported_contacts_are_published_searchable_and_in_the_history(
    directory: Directory, content: ContentSet
) -> None:
    import_file(directory, content, SAMPLE, NOW)

    result = search(
        directory,
        content,
        area=content.areas["leeds"],
        kinds={"ost_prescriber", "ost_pharmacy"},
        at=NOW,
    )
    assert [m.contact.name for m in result.matches] == [
        "Headingley Pharmacy",
        "Opioid substitution clinic (Aire Valley Drug Service)",
    ]
    assert all(m.open_now for m in result.matches)  # Tuesday 09:30
    near = search(directory, content, near=(51.5074, -0.1278), kinds={"night_shelter"}, at=NOW)
    assert [m.contact.name for m in near.matches] == [
        "Winter night shelter (Example Shelter Network)"
    ]

    contact = directory.contacts()[0]
    history = directory.history(contact.id)
    assert [(h["actor"], h["action"]) for h in history] == [("import: sample.json", "created")]
    assert history[0]["after"]["name"] == contact.name
    assert directory.pending() == []


def test_with_pending_the_entries_wait_for_a_moderator(
    directory: Directory, content: ContentSet
) -> None:
    report = import_file(directory, content, SAMPLE, NOW, pending=True)

    assert report.imported == 4 and report.pending
    assert directory.contacts() == []
    queued = directory.pending()
    assert len(queued) == 4 and {s["via"] for s in queued} == {"import"}
    directory.approve(queued[0]["id"], "moderator", NOW, content)
    assert len(directory.contacts()) == 1


def test_importing_the_same_file_again_adds_nothing_and_a_changed_row_updates(
    tmp_path: Path, directory: Directory, content: ContentSet
) -> None:
    import_file(directory, content, SAMPLE, NOW)
    again = import_file(directory, content, SAMPLE, NOW)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert len(directory.contacts()) == 4

    page = json.loads(SAMPLE.read_text())
    exchange = page["contents"][2]
    exchange["phones"][0]["number"] = "0117 496 0457"
    changed = tmp_path / "sample-fixed.json"
    changed.write_text(json.dumps(page))
    report = import_file(directory, content, changed, NOW)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 3)
    contact = next(c for c in directory.contacts() if c.name.startswith("Needle exchange"))
    assert contact.data.phone == "0117 496 0457"
    history = directory.history(contact.id)
    assert history[-1]["actor"] == "import: sample-fixed.json"
    assert history[-1]["after"]["phone"] == "0117 496 0457"


def test_a_list_a_page_or_a_single_service_all_read(content: ContentSet) -> None:
    service = {
        "id": "s1",
        "name": "Naloxone at the bus station",
        "phones": [{"number": "0113 496 0555"}],
        "service_at_locations": [{"location": {"addresses": [{"city": "leeds"}]}}],
    }
    for shape in (service, [service], {"contents": [service]}):
        parsed = read_hsds(json.dumps(shape), content, TODAY, "x.json")
        assert [d.kinds for _, d in parsed.rows] == [("naloxone",)], shape
    with pytest.raises(ImportFileError, match=r"not valid JSON: .*line 1"):
        read_hsds("{nope", content, TODAY, "x.json")
    with pytest.raises(ImportFileError, match="expected HSDS services"):
        read_hsds('{"total_items": 0}', content, TODAY, "x.json")
    parsed = read_hsds(json.dumps([service, "oops"]), content, TODAY, "x.json")
    assert [str(p) for p in parsed.problems] == ["row 2: service: not a service object"]


def test_short_kind_words_must_be_whole_words(content: ContentSet) -> None:
    assert match_kinds(["Homeless hostel"], content.kinds) == ["night_shelter"]
    assert match_kinds(["OST clinic"], content.kinds) == ["ost_prescriber"]
    assert match_kinds(["Prescribing service"], content.kinds) == ["ost_prescriber"]
    assert match_kinds(["Most welcome, post office"], content.kinds) == []


def test_schedules_on_the_same_day_add_up_rather_than_replace_each_other() -> None:
    def hours(*schedules: dict[str, object]) -> tuple[str, list[str]]:
        return schedules_to_opening_hours(list(schedules), TODAY)

    assert hours({"byday": "MO,TU", "opens_at": "09:00", "closes_at": "17:00"}) == (
        "Mo,Tu 09:00-17:00",
        [],
    )
    assert hours(
        {"byday": "MO", "opens_at": "09:00", "closes_at": "12:00"},
        {"freq": "MONTHLY", "byday": "1MO", "opens_at": "14:00", "closes_at": "16:00"},
    ) == ("Mo 09:00-12:00, Mo[1] 14:00-16:00", [])
    assert hours({"freq": "DAILY", "opens_at": "00:00", "closes_at": "00:00"}) == (
        "Mo-Su 00:00-24:00",
        [],
    )
    expression, warnings = hours(
        {"byday": "byday", "opens_at": "20:20", "closes_at": "20:20"},
        {"byday": "TH,FR", "opens_at": "10:00:00", "closes_at": "18:00:00", "byweekno": "41,42"},
        {"byday": "SA", "opens_at": "10:00", "closes_at": "12:00", "valid_from": "2027-01-01"},
    )
    assert expression == ""
    assert warnings == [
        "schedule 1 left out: byday 'byday' is not a list of days like MO,TU",
        "schedule 2 left out: byweekno '41,42' can't be written as hours",
        "schedule 3 left out: it only starts on 2027-01-01",
    ]


# --- HSDS out, and back ---


def test_an_hsds_export_imports_back_to_the_same_contacts(
    tmp_path: Path, directory: Directory, content: ContentSet
) -> None:
    import_file(directory, content, SAMPLE, NOW)
    extra = validate(
        {
            "name": "Late pharmacy",
            "kinds": "ost_pharmacy;naloxone",
            "area_id": "bristol",
            "phone": "0117 496 0100",
            "opening_hours": "Mo-Fr 08:00-23:00; Sa,Su 10:00-16:00; PH off",
            "flags": "walk_in;no_id",
            "languages": "en;pl",
            "notes": "x" * 900,
            "verified_on": "2026-02-02",
            "sample": "true",
        },
        content,
        TODAY,
    )
    submission_id, _ = directory.submit(extra, NOW)
    directory.approve(submission_id, "moderator", NOW, content)
    export = tmp_path / "export.json"
    export.write_text(write_hsds(directory.contacts(), content))

    fresh = Directory(open_database(tmp_path / "fresh.db"))
    report = import_file(fresh, content, export, NOW)

    assert report.parsed.problems == [] and report.parsed.warnings == []
    before = [without_source(c.data) for c in directory.contacts()]
    after = [without_source(c.data) for c in fresh.contacts()]
    assert after == before
    assert {c.data.source for c in fresh.contacts()} == {"HSDS import: export.json"}


def test_the_hsds_export_says_hours_kinds_flags_and_sample_in_hsds_terms(
    directory: Directory, content: ContentSet
) -> None:
    data = validate(
        {
            "name": "Example drop-in",
            "kinds": "drug_service",
            "area_id": "leeds",
            "address": "1 Example Street",
            "lat": "53.8",
            "lon": "-1.55",
            "phone": "0113 496 0000",
            "opening_hours": "Mo-Fr 09:00-17:00; Sa 10:00-12:00",
            "flags": "walk_in",
            "sample": "yes",
        },
        content,
        TODAY,
    )
    submission_id, _ = directory.submit(data, NOW)
    directory.approve(submission_id, "moderator", NOW, content)

    page = json.loads(write_hsds(directory.contacts(), content))
    assert page["total_items"] == 1
    service = page["contents"][0]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in service["schedules"]] == [
        ("MO,TU,WE,TH,FR", "09:00", "17:00"),
        ("SA", "10:00", "12:00"),
    ]
    assert {s["description"] for s in service["schedules"]} == {
        "opening_hours: Mo-Fr 09:00-17:00; Sa 10:00-12:00"
    }
    location = service["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (53.8, -1.55)
    assert location["addresses"][0]["address_1"] == "1 Example Street"
    assert (location["addresses"][0]["city"], location["addresses"][0]["country"]) == (
        "Leeds",
        "GB",
    )
    terms = [a["taxonomy_term"] for a in service["attributes"]]
    assert [(t["taxonomy"], t["id"]) for t in terms] == [
        ("first48", "drug_service"),
        ("first48 flags", "walk_in"),
        ("first48 flags", "sample"),
    ]
    assert "not a real service" in service["alert"]
    assert service["phones"][0]["number"] == "0113 496 0000"


# --- CSV ---


def test_a_csv_export_imports_back_to_the_same_contacts(
    tmp_path: Path, directory: Directory, content: ContentSet
) -> None:
    import_file(directory, content, SAMPLE, NOW)
    export = tmp_path / "contacts.csv"
    export.write_text(write_csv(directory.contacts()))
    assert export.read_text().splitlines()[0] == (
        "name,kinds,area_id,address,lat,lon,phone,website,languages,opening_hours,flags,"
        "notes,verified_on,source,sample"
    )

    fresh = Directory(open_database(tmp_path / "fresh.db"))
    report = import_file(fresh, content, export, NOW)

    assert report.parsed.problems == []
    assert [c.data for c in fresh.contacts()] == [c.data for c in directory.contacts()]


def test_csv_errors_name_the_line_in_the_file_and_the_field(content: ContentSet) -> None:
    text = (
        "name,kinds,area_id,phone,opening_hours,notes\n"  # line 1
        'Good one,naloxone,leeds,0113 496 0000,,"two\nlines"\n'  # lines 2-3
        "Bad phone,naloxone,leeds,call us,,\n"  # line 4
        "\n"  # line 5: blank, ignored
        "X,teleportation,Atlantis,,Mo-Fr 9-5,\n"  # line 6
        "By town name,needle_exchange,Bristol,0117 496 0000,,\n"  # line 7
    )
    parsed = read_csv(text, content, TODAY, "x.csv")

    assert [(line, d.name, d.area_id) for line, d in parsed.rows] == [
        (2, "Good one", "leeds"),
        (7, "By town name", "bristol"),
    ]
    assert parsed.rows[0][1].notes == "two\nlines"
    assert parsed.rows[0][1].source == "CSV import: x.csv"
    assert [str(p) for p in parsed.problems] == [
        "row 4: phone: Enter a phone number with digits only, like +44 113 496 0000.",
        "row 6: name: Enter the name of the service.",
        "row 6: kinds: Unknown kind: teleportation.",
        "row 6: area_id: unknown area 'Atlantis': use an id from content/areas.yml, like leeds",
        "row 6: opening_hours: Opening hours are not in the usual format. "
        "Example: Mo-Fr 09:00-17:00; Sa 10:00-12:00",
        "row 6: phone: Give at least a phone number, a website or an address.",
    ]
    assert parsed.skipped == 2


def test_a_row_last_checked_over_a_year_ago_goes_in_with_a_warning(content: ContentSet) -> None:
    text = (
        "name,kinds,area_id,phone,verified_on\nOld clinic,naloxone,leeds,0113 496 0000,2024-11-30\n"
    )
    parsed = read_csv(text, content, TODAY, "x.csv")

    assert [d.name for _, d in parsed.rows] == ["Old clinic"]
    assert [str(w) for w in parsed.warnings] == [
        "row 2: verified_on: last checked on 2024-11-30, more than 12 months ago: imported, "
        "but the bot won't show it until someone confirms it"
    ]


def test_a_csv_without_a_header_row_is_refused_whole(content: ContentSet) -> None:
    with pytest.raises(ImportFileError, match="line 1: expected a header row"):
        read_csv("Good one,naloxone,leeds\n", content, TODAY, "x.csv")
    parsed = read_csv("name,kinds,area_id,colour\n", content, TODAY, "x.csv")
    assert [str(w) for w in parsed.warnings] == ["row 1: columns: ignored: colour"]


# --- the command ---


@pytest.fixture
def cli_env(tmp_path: Path, content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "cli.db"
    monkeypatch.setenv("FIRST48_DATABASE", str(database))
    monkeypatch.setenv("FIRST48_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("TELEGRAM_TOKEN", "")
    return database


def test_contacts_import_prints_each_bad_row_and_exits_1(
    cli_env: Path, content: ContentSet, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["contacts", "import", str(SAMPLE)])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-1] == "imported 4, skipped 6"
    bad = [line for line in out if line.startswith("row ")]
    assert [line.split(" (")[0] for line in bad] == [
        "row 1",
        "row 1",
        "row 6",
        "row 7",
        "row 8",
        "row 9",
        "row 10",
    ]
    assert any(line.startswith("warning: row 5 (") for line in out)
    contacts = Directory(open_database(cli_env)).contacts()
    assert len(contacts) == 4 and all(c.status == "approved" for c in contacts)


def test_contacts_import_of_a_clean_file_exits_0_and_pending_waits(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = json.loads(SAMPLE.read_text())
    page["contents"] = page["contents"][1:5]
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(page))

    assert main(["contacts", "import", str(clean), "--pending"]) == 0
    out = capsys.readouterr().out
    assert "imported 4, skipped 0" in out and "waiting for a moderator" in out
    directory = Directory(open_database(cli_env))
    assert directory.contacts() == [] and len(directory.pending()) == 4


def test_contacts_export_writes_stdout_or_a_file_and_guesses_the_format(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["contacts", "import", str(SAMPLE)])
    capsys.readouterr()

    assert main(["contacts", "export"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert page["total_items"] == 4

    target = tmp_path / "out.csv"
    assert main(["contacts", "export", "--output", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"exported 4 contacts to {target}"
    assert target.read_text().startswith("name,kinds,area_id,")

    copy = tmp_path / "again.txt"
    shutil.copy(target, copy)
    assert main(["contacts", "import", str(copy), "--format", "csv"]) == 0
    assert "(0 new, 0 updated, 4 unchanged)" in capsys.readouterr().out


def test_contacts_import_refuses_what_it_cannot_read(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    assert main(["contacts", "import", str(broken)]) == 1
    assert "broken.json is not valid JSON" in capsys.readouterr().err
    assert main(["contacts", "import", str(tmp_path / "missing.csv")]) == 1
    assert "missing.csv" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="use --format hsds|csv"):
        main(["contacts", "import", str(tmp_path / "directory.xml")])
