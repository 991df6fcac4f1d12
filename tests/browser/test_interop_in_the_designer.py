"""The doors in and out from the designer: "Import…" beside "New workflow" turns an AWS Step Functions file
into a new draft (the format guessed from the file, the id from its name), a document the importer cannot map
is refused with the construct and where it is, creating nothing; "Export as" on a published version downloads
XState, and ASL's refusal lists what it cannot express, with a way to take the rest."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from browser_steps import SignIn, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ORDER_ASL = ROOT / "tests/engine/interop/documents/order.asl.json"
COMPOUND_SCXML = ('<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="a">'
                  '<state id="a"><state id="inner"/><transition event="go" target="b"/></state><final id="b"/></scxml>')


def test_an_asl_file_becomes_a_new_draft_and_a_refused_document_creates_nothing(
        server: LiveServer, sign_in: SignIn, tmp_path: Path) -> None:
    page = sign_in("analyst")
    page.goto("/definitions")
    drafts_before = len(server.api("GET", "/api/drafts", token=server.token("analyst"))["items"])

    page.get_by_test_id("import-workflow").click()
    scxml = tmp_path / "nested.scxml"
    scxml.write_text(COMPOUND_SCXML)
    page.get_by_test_id("import-file").set_input_files(str(scxml))
    expect(page.get_by_test_id("import-format")).to_have_value("scxml")
    expect(page.get_by_test_id("import-id")).to_have_value("nested")
    page.get_by_test_id("import-submit").click()
    refusal = page.get_by_test_id("import-findings")
    expect(refusal).to_contain_text("nothing was created")
    expect(refusal).to_contain_text("compound state")
    screenshot(page, "import-refused")
    assert len(server.api("GET", "/api/drafts", token=server.token("analyst"))["items"]) == drafts_before

    target = tmp_path / "Order Fulfilment.asl.json"
    target.write_text(ORDER_ASL.read_text())
    page.get_by_test_id("import-id").fill("")
    page.get_by_test_id("import-file").set_input_files(str(target))
    expect(page.get_by_test_id("import-format")).to_have_value("asl")
    expect(page.get_by_test_id("import-id")).to_have_value("Order_Fulfilment")
    expect(page.get_by_test_id("import-findings")).to_have_count(0)
    page.get_by_test_id("import-submit").click()
    page.wait_for_url("**/drafts/*")
    expect(state(page, "validate_order")).to_be_visible()  # "Validate Order" became an id, titled as before
    expect(state(page, "validate_order")).to_contain_text("Validate Order")
    screenshot(page, "import-asl-draft")
    drafts = server.api("GET", "/api/drafts", token=server.token("analyst"))["items"]
    assert "Order_Fulfilment" in {d["workflow_id"] for d in drafts}


def test_a_published_version_exports_to_xstate_and_asl_says_what_it_cannot_express(
        server: LiveServer, sign_in: SignIn, tmp_path: Path) -> None:
    page = sign_in("viewer")
    page.goto("/definitions/lead_qualification")
    with page.expect_download() as info:
        page.get_by_test_id("export-as-xstate").click()
    assert info.value.suggested_filename == "lead_qualification-v1.xstate.json"
    saved = tmp_path / "machine.json"
    info.value.save_as(saved)
    machine = json.loads(saved.read_text())
    assert machine["id"] == "lead_qualification"
    assert "extract" in machine["states"]

    page.get_by_test_id("export-as-asl").click()
    refused = page.get_by_test_id("export-refused")
    expect(refused).to_contain_text("ASL cannot express all of this version")
    expect(refused).to_contain_text("/states/route")
    screenshot(page, "export-asl-refused")
    with page.expect_download() as lossy:
        page.get_by_test_id("export-anyway").click()
    kept = tmp_path / "machine.asl.json"
    lossy.value.save_as(kept)
    assert json.loads(kept.read_text())["StartAt"] == "extract"
    expect(refused).to_have_count(0)


def test_generate_tests_downloads_the_flow_and_its_test_module(server: LiveServer, sign_in: SignIn,
                                                               tmp_path: Path) -> None:
    page = sign_in("viewer")
    page.goto("/definitions/support_ticket_triage")
    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("generate-tests").click()
    assert info.value.suggested_filename == "support_ticket_triage_v1-tests.zip"
    saved = tmp_path / "tests.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert sorted(archive.namelist()) == ["support_ticket_triage_v1.json", "test_support_ticket_triage_v1.py"]
        module = archive.read("test_support_ticket_triage_v1.py").decode()
    assert module.count("def test_") >= 2
