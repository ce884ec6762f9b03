"""The demo CKAN action API: envelope, pagination, organization filter, errors, dates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from tests.demo.conftest import NOW

from odaudit.demo import DemoServer

API = "/ckan/api/3/action/"


def _result(client: httpx.Client, action: str, **params: Any) -> Any:
    response = client.get(API + action, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is True and body["help"].endswith(f"name={action}")
    return body["result"]


def test_status_show_says_ckan_2_10(client: httpx.Client) -> None:
    result = _result(client, "status_show")
    assert result["ckan_version"].startswith("2.10")
    assert result["locale_default"] == "es"


def test_organization_list(client: httpx.Client) -> None:
    assert _result(client, "organization_list") == ["minfin", "mineduc", "mspas"]
    full = _result(client, "organization_list", all_fields="true")
    assert {o["name"]: o["package_count"] for o in full} == {"minfin": 3, "mineduc": 3, "mspas": 4}


def test_org_filter_selects_only_that_organization(client: httpx.Client) -> None:
    for org, count in (("minfin", 3), ("mineduc", 3), ("mspas", 4)):
        result = _result(client, "package_search", fq=f"organization:{org}", rows=100)
        assert result["count"] == count
        assert {p["organization"]["name"] for p in result["results"]} == {org}
    assert _result(client, "package_search", fq="organization:ine")["count"] == 0
    quoted = _result(client, "package_search", fq='+organization:"mspas"', rows=100)
    assert quoted["count"] == 4


def test_pagination_with_rows_and_start(client: httpx.Client) -> None:
    everything = _result(client, "package_search", q="*:*", rows=1000)
    assert everything["count"] == 10 and len(everything["results"]) == 10
    names: list[str] = []
    for start in range(0, 12, 3):
        page = _result(client, "package_search", q="*:*", rows=3, start=start)
        assert page["count"] == 10
        names += [p["name"] for p in page["results"]]
    assert names == [p["name"] for p in everything["results"]]
    assert len(set(names)) == 10
    assert _result(client, "package_search", rows=3, start=10)["results"] == []
    assert len(_result(client, "package_search")["results"]) == 10  # CKAN's default rows


def test_q_searches_title_notes_and_tags_without_accents(client: httpx.Client) -> None:
    hits = _result(client, "package_search", q="vacunacion", rows=100)
    assert [p["name"] for p in hits["results"]] == ["vacunacion-covid-19"]
    by_tag = _result(client, "package_search", q="SICOIN", rows=100)
    assert [p["name"] for p in by_tag["results"]] == ["ejecucion-presupuestaria-mensual"]


def test_package_show_by_name_and_id(client: httpx.Client) -> None:
    package = _result(client, "package_show", id="matricula-escolar")
    assert package["title"] == "Matrícula escolar por departamento y nivel"
    assert _result(client, "package_show", id=package["id"])["name"] == "matricula-escolar"


def test_errors_have_ckan_shapes(client: httpx.Client) -> None:
    missing = client.get(API + "package_show", params={"id": "no-existe"})
    assert missing.status_code == 404
    assert missing.json()["success"] is False
    assert missing.json()["error"]["__type"] == "Not Found Error"
    unknown = client.get(API + "package_list_everything")
    assert unknown.status_code == 400 and unknown.json()["error"]["__type"] == "Bad request"
    bad_rows = client.get(API + "package_search", params={"rows": "muchas"})
    assert bad_rows.status_code == 409 and "rows" in bad_rows.json()["error"]
    bad_fq = client.get(API + "package_search", params={"fq": "owner_org:(a OR b)"})
    assert bad_fq.status_code == 409


def test_post_with_json_body_works_like_get(client: httpx.Client) -> None:
    response = client.post(API + "package_search", json={"fq": "organization:minfin"})
    assert response.status_code == 200 and response.json()["result"]["count"] == 3


def test_dates_are_relative_to_the_serving_clock(client: httpx.Client) -> None:
    package = _result(client, "package_show", id="ejecucion-presupuestaria-mensual")
    three_days_ago = (NOW - timedelta(days=3)).replace(tzinfo=None).isoformat()
    assert package["metadata_modified"].startswith(three_days_ago[:19])
    assert {"key": "accrualPeriodicity", "value": "R/P1M"} in package["extras"]
    assert "{{" not in str(package)


def test_resource_urls_point_at_the_server(client: httpx.Client, server: DemoServer) -> None:
    everything = _result(client, "package_search", rows=1000)
    urls = [r["url"] for p in everything["results"] for r in p["resources"]]
    outside = [u for u in urls if not u.startswith(server.base_url + "/files/")]
    # The one planted exception: a link-local address that must be refused, never fetched.
    assert outside == ["http://169.254.169.254/sigsa/morbilidad-hospitalaria-2023.csv"]


def test_planted_ckan_metadata_defects(client: httpx.Client) -> None:
    def show(name: str) -> Any:
        return _result(client, "package_show", id=name)

    assert show("establecimientos-educativos-diversificado")["license_id"] == "notspecified"
    vaccination = show("vacunacion-covid-19")
    assert vaccination["license_id"] == "other-closed" and vaccination["isopen"] is False
    assert vaccination["notes"] == "" and vaccination["tags"] == []
    assert not any(vaccination[k] for k in ("author", "author_email", "maintainer_email"))
    assert not any(e["key"] == "accrualPeriodicity" for e in vaccination["extras"])
    morbidity = show("morbilidad-hospitalaria")
    assert "metadata_modified" not in morbidity and morbidity["license_id"] == ""
    assert not any(e["key"] == "modified" for e in morbidity["extras"])
    assert [r["format"] for r in show("mortalidad-materna")["resources"]] == ["PDF"]
    good = show("saldo-deuda-publica")
    assert good["license_id"] == "cc-by" and good["isopen"] is True and len(good["notes"]) > 30
