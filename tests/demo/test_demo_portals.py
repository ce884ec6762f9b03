"""The non-CKAN sources: SEGEPLAN's data.json, MEM's page, the blocked and the broken portal."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from odaudit.demo import DemoServer


def test_segeplan_data_json(client: httpx.Client, server: DemoServer) -> None:
    response = client.get("/segeplan/data.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    catalog = response.json()
    datasets = {d["title"]: d for d in catalog["dataset"]}
    assert len(datasets) == 4
    for dataset in catalog["dataset"]:
        for dist in dataset["distribution"]:
            assert dist["downloadURL"].startswith(server.base_url + "/files/segeplan/")
            assert client.head(dist["downloadURL"]).status_code == 200
    snip = datasets["Proyectos de inversión pública (SNIP)"]
    assert snip["license"] == "Creative Commons Atribución 4.0"
    assert snip["modified"] == "2026-03-10"  # {{date_days_ago:5}} against the frozen clock
    stale = datasets["Cooperación internacional no reembolsable"]
    assert (stale["accrualPeriodicity"], stale["modified"]) == ("R/P1M", "2023-06-30")
    ranking = datasets["Ranking de la gestión municipal"]
    assert [d["format"] for d in ranking["distribution"]] == ["XLSX"]
    assert "contactPoint" not in ranking
    plans = datasets["Planes de desarrollo municipal"]
    assert not {"modified", "issued", "accrualPeriodicity"} & set(plans)
    assert len(plans["description"]) < 30


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self._heading: str | None = None
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._in_h2 = True
        elif tag == "a" and self._heading is not None:
            self.sections[self._heading].append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self._heading = data.strip()
            self.sections[self._heading] = []


def test_mem_page_links_files_under_headings(client: httpx.Client, server: DemoServer) -> None:
    page_url = server.base_url + "/mem/datos-abiertos.html"
    response = client.get(page_url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    parser = _Links()
    parser.feed(response.text)
    sections = {k: [urljoin(page_url, h) for h in v] for k, v in parser.sections.items()}
    extensions = {k: [u.rsplit(".", 1)[-1] for u in v] for k, v in sections.items()}
    assert extensions == {
        "Precios de combustibles": ["xlsx"],
        "Importación de petróleo y derivados": ["csv", "xlsx"],
        "Generación de energía eléctrica": ["pdf"],
        "Producción minera": ["csv"],
    }
    statuses = {u: client.get(u).status_code for v in sections.values() for u in v}
    assert [u for u, s in statuses.items() if s != 200] == [
        server.base_url + "/files/mem/produccion-minera-2025.csv"
    ]
    assert client.get("/mem/").status_code == 200  # the nav link resolves too


def test_insivumeh_answers_a_cloudflare_challenge(client: httpx.Client) -> None:
    for path in ("/insivumeh/data.json", "/insivumeh/", "/insivumeh/api/anything"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.headers["cf-mitigated"] == "challenge"
        assert response.headers["server"] == "cloudflare"
        assert "<title>Just a moment...</title>" in response.text


def test_ine_api_serves_html_instead_of_json(client: httpx.Client) -> None:
    for path in ("/ine/api/3/action/package_search", "/ine/api/3/action/status_show"):
        response = client.get(path, params={"fq": "organization:ine"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert re.search(r"mantenimiento", response.text)


def test_robots_txt_allows_the_auditor(client: httpx.Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and "Allow: /" in response.text


def test_unknown_paths_are_404_html(client: httpx.Client) -> None:
    response = client.get("/no/existe")
    assert response.status_code == 404 and "/no/existe" in response.text
    assert client.delete("/files/minfin/saldo-deuda-publica.csv").status_code == 501
    assert client.post("/segeplan/data.json", content=b"x").status_code == 405


def test_no_placeholder_left_in_served_text(client: httpx.Client) -> None:
    paths = [
        "/",
        "/segeplan/data.json",
        "/mem/datos-abiertos.html",
        "/mem/",
        "/minfin/",
        "/ckan/api/3/action/package_search?rows=1000",
        "/ckan/api/3/action/organization_list?all_fields=true",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "{{" not in response.text, path


def test_landing_pages_exist_for_every_dataset(client: httpx.Client) -> None:
    packages = client.get("/ckan/api/3/action/package_search", params={"rows": 1000}).json()
    for package in packages["result"]["results"]:
        page = client.get(f"/ckan/dataset/{package['name']}")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "<h1>" + package["title"] + "</h1>" in page.text
    for dataset in client.get("/segeplan/data.json").json()["dataset"]:
        page = client.get(dataset["landingPage"])
        assert page.status_code == 200 and dataset["title"] in page.text
        for dist in dataset["distribution"]:
            assert f'href="{dist["downloadURL"]}"' in page.text
    assert client.get("/ckan/dataset/no-existe").status_code == 404
    assert client.get("/segeplan/dataset/99").status_code == 404


def test_landing_pages_escape_metadata() -> None:
    from odaudit.demo.pages import _page

    html = _page("<script>x</script>", "a & b", [("n", 'http://h/"x', "CSV")])
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html
    assert 'href="http://h/&quot;x"' in html
