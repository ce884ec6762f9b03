"""LI001-LI003 and the licence registry, with the licence strings real portals publish."""

from __future__ import annotations

import pytest
from tests.checks._support import codes, fixture_json, good_dataset, only, resource, run

from odaudit.checks.licenses import resolve_license


def _licensed(license_id: str = "", title: str = "", url: str = "") -> list[str]:
    return codes(run(good_dataset(license_id=license_id, license_title=title, license_url=url)))


@pytest.mark.parametrize(
    ("text", "lid", "is_open"),
    [
        ("Creative Commons Atribución 4.0", "CC-BY-4.0", True),
        ("Creative Commons Attribution", "CC-BY-4.0", True),
        ("CC BY 4.0", "CC-BY-4.0", True),
        ("cc-by", "CC-BY-4.0", True),
        ("CC-BY-4.0", "CC-BY-4.0", True),
        ("Creative Commons Atribuição", "CC-BY-4.0", True),
        ("Atribuição", "CC-BY-4.0", True),
        ("ODbL-1.0", "ODbL-1.0", True),
        ("Open Data Commons Open Database License (ODbL)", "ODbL-1.0", True),
        ("odc-odbl", "ODbL-1.0", True),
        ("cc-zero", "CC0-1.0", True),
        ("CC0", "CC0-1.0", True),
        ("Licence Ouverte / Open Licence", "etalab-2.0", True),
        ("other-closed", "other-closed", False),
        ("Otra (No abierta)", "other-closed", False),
        ("notspecified", "notspecified", None),
        ("No se especificó la licencia", "notspecified", None),
        ("License not specified", "notspecified", None),
        ("cc-nc", "CC-BY-NC-4.0", False),
        ("CC BY-NC 3.0", "CC-BY-NC-4.0", False),
        ("https://creativecommons.org/licenses/by/4.0/deed.es", "CC-BY-4.0", True),
        ("creativecommons.org/licenses/by-sa/4.0/legalcode", "CC-BY-SA-4.0", True),
        ("http://www.opendefinition.org/licenses/cc-by", "CC-BY-4.0", True),
        ("http://dcat-ap.de/def/licenses/cc-zero", "CC0-1.0", True),
        ("https://project-open-data.cio.gov/unknown-license", "notspecified", None),
        (
            "Creative Commons Reconocimiento-NoComercial-SinObraDerivada 4.0",
            "CC-BY-NC-ND-4.0",
            False,
        ),
    ],
)
def test_registry_resolves_real_strings(text: str, lid: str, is_open: bool | None) -> None:
    info = resolve_license(text)
    assert info is not None and (info.id, info.open) == (lid, is_open)


@pytest.mark.parametrize("text", ["", "<DIV>Soumis à la licence Etalab</DIV>", "Terms of use"])
def test_registry_does_not_guess(text: str) -> None:
    assert resolve_license(text) is None


def test_every_ckan_legacy_licence_is_known() -> None:
    listing = fixture_json("ckan_license_list_portal-andino-es_2018-03-06.json")["result"]
    for entry in listing:
        for text in (entry["id"], entry["title"]):
            info = resolve_license(text)
            assert info is not None, text
            expected = (
                None if entry["id"] == "notspecified" else entry["od_conformance"] == "approved"
            )
            assert info.open is expected, text


def test_li001_no_licence() -> None:
    assert _licensed() == ["LI001"]


def test_li001_notspecified_on_a_real_andino_package() -> None:
    pkg = fixture_json("ar_portal-andino_test-instance_package_show_2019-12-03.json")["result"]
    found = run(good_dataset(license_id=pkg["license_id"], license_title=pkg["license_title"]))
    assert codes(found) == ["LI001"]
    assert found[0].evidence["published"]["license_id"] == "notspecified"
    assert "No se especificó la licencia" in found[0].message


def test_li002_not_open() -> None:
    found = run(good_dataset(license_id="other-closed", license_title="Otra (No abierta)"))
    assert codes(found) == ["LI002"]
    assert found[0].evidence["registry_id"] == "other-closed"


def test_li002_non_commercial_distribution() -> None:
    """se_dataportal: the catalog says CC0 but a distribution is CC BY-NC 3.0."""
    ds = good_dataset(
        license_id="",
        license_title="",
        license_url="http://creativecommons.org/publicdomain/zero/1.0/",
        resources=[resource(license="http://creativecommons.org/licenses/by-nc/3.0/")],
    )
    found = run(ds)
    assert codes(found) == ["LI002"]
    assert found[0].evidence["resource_license"] == "CC-BY-NC-4.0"


def test_li003_html_blob_from_a_real_arcgis_hub() -> None:
    catalog = fixture_json("fr_ville-evian_arcgis-hub_data.json")
    blob = catalog["dataset"][0]["license"]
    found = run(good_dataset(license_id="", license_title=blob))
    assert codes(found) == ["LI003"]
    assert found[0].evidence["html"] is True
    assert "<DIV" not in found[0].message


def test_li003_html_blob_from_datagov_harvester() -> None:
    blob = fixture_json("us_datagov-harvester_dcatus_bad_license_uri.json")["dataset"][0]["license"]
    assert _licensed(title=blob) == ["LI003"]


def test_li001_empty_licence_from_a_real_arcgis_hub() -> None:
    catalog = fixture_json("fr_ville-evian_arcgis-hub_data.json")
    assert catalog["dataset"][3]["license"] == ""
    assert _licensed(title=catalog["dataset"][3]["license"]) == ["LI001"]


def test_dkan_licence_title_that_is_a_url() -> None:
    pkg = fixture_json("fr_dkan_opendata.hautsdefrance.fr_package_show_2019.json")["result"][0]
    assert _licensed(title=pkg["license_title"]) == []


def test_known_open_id_wins_over_unknown_title() -> None:
    assert _licensed("cc-by", "Licencia del portal") == []
    assert only(run(good_dataset(license_id="x-terms", license_title="")), "LI003")


def test_distribution_licence_alone_is_enough() -> None:
    ds = good_dataset(license_id="", license_title="", resources=[resource(license="CC-BY-4.0")])
    assert run(ds) == []
