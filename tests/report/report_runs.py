"""Hand-built runs for the report tests: a small realistic one and a hostile one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    Dataset,
    DatasetScore,
    Finding,
    Institution,
    InstitutionScore,
    Resource,
    ScoreCard,
    Severity,
    Source,
)
from odaudit.store import Store
from odaudit.store.view import DatasetView, InstitutionView, RunManifest, RunView, SourceResult


@dataclass(frozen=True)
class FakeRule:
    code: str
    name: str
    title: str
    dimension: str
    severity: Severity
    weight: float
    summary: str
    doc: str = ""
    fix: str = ""


RULES = [
    FakeRule(
        "AV001",
        "unreachable",
        "Recurso inaccesible",
        "availability",
        Severity.ERROR,
        40,
        "El enlace del recurso no responde o responde con error.",
        fix="Corrija el enlace.",
    ),
    FakeRule(
        "AV010",
        "portal-down",
        "Portal caído",
        "availability",
        Severity.ERROR,
        0,
        "La API del portal no respondió.",
        fix="Restablezca la API.",
    ),
    FakeRule(
        "FM001",
        "not-machine-readable",
        "Formato no legible por máquina",
        "format",
        Severity.WARNING,
        30,
        "Solo PDF, DOC o imágenes.",
        fix="Publique CSV.",
    ),
    FakeRule(
        "LI001",
        "no-licence",
        "Sin licencia",
        "license",
        Severity.ERROR,
        50,
        "El conjunto no declara licencia.",
        fix="Declare CC-BY 4.0.",
    ),
    FakeRule(
        "FR002",
        "stale",
        "Desactualizado",
        "freshness",
        Severity.WARNING,
        25,
        "Más viejo que su frecuencia declarada.",
        fix="Actualice el conjunto.",
    ),
    FakeRule(
        "MD001",
        "short-description",
        "Descripción corta",
        "metadata",
        Severity.INFO,
        10,
        "La descripción tiene menos de 30 caracteres.",
        fix="Describa el contenido.",
    ),
    FakeRule(
        "CV001",
        "key-missing",
        "Conjunto clave ausente",
        "coverage",
        Severity.ERROR,
        0,
        "Un conjunto clave esperado no se encontró.",
        fix="Publique el conjunto clave.",
    ),
    FakeRule(
        "DV001",
        "ragged",
        "Filas irregulares",
        "validity",
        Severity.WARNING,
        5,
        "Filas con celdas de más o de menos.",
        fix="Corrija las filas.",
    ),
]

METHODOLOGY = {
    "name": "odaudit Guatemala",
    "version": "2026.1",
    "select": ["AV", "FM", "LI", "FR", "MD", "DV", "PD", "CV"],
    "ignore": ["DV"],
    "rules": {"FR002": {"severity": None, "weight": None, "params": {"grace_days": 15}}},
    "dimensions": {
        "availability": 0.30,
        "format": 0.20,
        "license": 0.15,
        "freshness": 0.15,
        "metadata": 0.20,
    },
    "datasets_weight": 0.6,
    "coverage_weight": 0.4,
    "pdf_only_credit": 0.5,
    "bands": [["excelente", 85], ["bueno", 70], ["suficiente", 50], ["insuficiente", 0]],
}

MANIFEST = RunManifest(
    run_id=7,
    odaudit_version="0.1.0",
    started_at="2026-11-20T08:00:00+00:00",
    finished_at="2026-11-20T09:12:30+00:00",
    status="complete",
    user_agent="odaudit/0.1.0 (+mailto:indice@example.org)",
    institutions_path="institutions.yaml",
    institutions_sha256="a" * 64,
    rules_path="rules/default.yaml",
    rules_sha256="b" * 64,
    methodology_name="odaudit Guatemala",
    methodology_version="2026.1",
    command="odaudit run --institutions institutions.yaml --out reports/2026",
    now="2026-11-20T08:00:00+00:00",
)

MINFIN_CKAN = "https://datos.minfin.gob.gt"


def _dims(**values: float) -> dict[str, float]:
    base = {
        "availability": 100.0,
        "format": 100.0,
        "license": 100.0,
        "freshness": 100.0,
        "metadata": 100.0,
    }
    base.update(values)
    return base


def realistic_run() -> RunView:
    """Three institutions: one healthy CKAN portal, one failing portal, one without sources."""
    presupuesto = Dataset(
        id="ejecucion-presupuestaria-2026",
        title="Ejecución presupuestaria 2026",
        source_type="ckan",
        source_url=MINFIN_CKAN,
        landing_page=f"{MINFIN_CKAN}/dataset/ejecucion-presupuestaria-2026",
        license_id="cc-by",
        license_title="Creative Commons Atribución 4.0",
        modified="2026-10-31T12:00:00",
        resources=[
            Resource(url=f"{MINFIN_CKAN}/r/ejecucion-enero.csv", format="CSV"),
            Resource(url=f"{MINFIN_CKAN}/r/ejecucion-febrero.csv", format="csv"),
            Resource(url=f"{MINFIN_CKAN}/r/ejecucion.xlsx", format="XLSX"),
        ],
    )
    deuda = Dataset(
        id="deuda-publica",
        title="Deuda pública",
        landing_page=f"{MINFIN_CKAN}/dataset/deuda-publica",
        modified="2024-01-15",
        resources=[
            Resource(url=f"{MINFIN_CKAN}/r/deuda-1.pdf", format="PDF"),
            Resource(url=f"{MINFIN_CKAN}/r/deuda-2.pdf", format="PDF"),
        ],
    )
    compras = Dataset(
        id="compras",
        title="Compras y contrataciones",
        landing_page=f"{MINFIN_CKAN}/dataset/compras",
        license_id="odc-odbl",
        modified="2026-11-01",
        resources=[Resource(url=f"{MINFIN_CKAN}/r/compras.csv", format="CSV")],
    )
    deuda_findings = [
        Finding(
            "FM001",
            Severity.WARNING,
            "El recurso solo está en PDF.",
            "MINFIN",
            "deuda-publica",
            f"{MINFIN_CKAN}/r/deuda-{n}.pdf",
            {"declared_format": "PDF", "content_type": "application/pdf"},
        )
        for n in (1, 2)
    ] + [
        Finding(
            "LI001",
            Severity.ERROR,
            "El conjunto no declara licencia.",
            "MINFIN",
            "deuda-publica",
            None,
            {"license_id": ""},
            "Declare CC-BY 4.0.",
        ),
        Finding(
            "FR002",
            Severity.WARNING,
            "Última modificación hace 675 días (mensual).",
            "MINFIN",
            "deuda-publica",
            None,
            {"modified": "2024-01-15", "frequency": "monthly", "age_days": 675},
        ),
    ]
    presupuesto_findings = [
        Finding(
            "AV001",
            Severity.ERROR,
            "HTTP 404 al descargar el recurso.",
            "MINFIN",
            "ejecucion-presupuestaria-2026",
            f"{MINFIN_CKAN}/r/ejecucion.xlsx",
            {"status": 404, "url": f"{MINFIN_CKAN}/r/ejecucion.xlsx"},
            "Corrija el enlace.",
        ),
        Finding(
            "MD001",
            Severity.INFO,
            "La descripción tiene 0 caracteres.",
            "MINFIN",
            "ejecucion-presupuestaria-2026",
            None,
            {"length": 0, "min_length": 30},
        ),
    ]
    minfin = InstitutionView(
        code="MINFIN",
        name="Ministerio de Finanzas Públicas",
        sector="Finanzas públicas",
        website="https://www.minfin.gob.gt",
        sources=[SourceResult("ckan", MINFIN_CKAN, "ok", datasets=3, resources=6, api_calls=4)],
        datasets=[
            DatasetView(presupuesto, {}, presupuesto_findings),
            DatasetView(deuda, {}, deuda_findings),
            DatasetView(compras, {}, []),
        ],
        coverage=[
            CoverageItem(
                "presupuesto",
                "Presupuesto y su ejecución",
                CoverageStatus.FOUND,
                ["ejecucion-presupuestaria-2026"],
            ),
            CoverageItem("deuda", "Deuda pública", CoverageStatus.PDF_ONLY, ["deuda-publica"]),
            CoverageItem("salarios", "Planilla de salarios", CoverageStatus.MISSING),
        ],
        n_key_datasets=3,
    )
    informe = Dataset(
        id="https://www.segeplan.gob.gt/informes#0",
        title="Informe de avance de metas",
        source_type="html",
        landing_page="https://www.segeplan.gob.gt/informes",
        resources=[Resource(url="https://www.segeplan.gob.gt/informe.pdf", format="PDF")],
    )
    segeplan = InstitutionView(
        code="SEGEPLAN",
        name="Secretaría de Planificación y Programación de la Presidencia",
        sector="Planificación",
        sources=[
            SourceResult(
                "ckan",
                "https://datos.segeplan.gob.gt",
                "blocked",
                error="HTTP 403: the portal refused automated access",
            ),
            SourceResult(
                "html", "https://www.segeplan.gob.gt/informes", "ok", datasets=1, resources=1
            ),
        ],
        datasets=[
            DatasetView(
                informe,
                {},
                [
                    Finding(
                        "FM001",
                        Severity.WARNING,
                        "El recurso solo está en PDF.",
                        "SEGEPLAN",
                        informe.id,
                        "https://www.segeplan.gob.gt/informe.pdf",
                        {"format": "PDF"},
                    ),
                    Finding(
                        "LI001",
                        Severity.ERROR,
                        "El conjunto no declara licencia.",
                        "SEGEPLAN",
                        informe.id,
                        None,
                        {},
                    ),
                ],
            )
        ],
        findings=[
            Finding(
                "AV010",
                Severity.ERROR,
                "El portal CKAN respondió HTTP 403.",
                "SEGEPLAN",
                None,
                None,
                {"url": "https://datos.segeplan.gob.gt", "status": 403},
                "Permita el acceso a la API del portal.",
            ),
        ],
        coverage=[
            CoverageItem("metas", "Metas institucionales", CoverageStatus.PDF_ONLY, [informe.id])
        ],
        n_key_datasets=1,
    )
    conred = InstitutionView(
        code="CONRED",
        name="Coordinadora Nacional para la Reducción de Desastres",
        sector="Gestión de riesgo",
        findings=[
            Finding(
                "CV001",
                Severity.ERROR,
                "No se encontró: Albergues.",
                "CONRED",
                evidence={"key": "albergues"},
            ),
            Finding(
                "CV001",
                Severity.ERROR,
                "No se encontró: Alertas.",
                "CONRED",
                evidence={"key": "alertas"},
            ),
        ],
        coverage=[
            CoverageItem("albergues", "Albergues", CoverageStatus.MISSING),
            CoverageItem("alertas", "Alertas", CoverageStatus.MISSING),
        ],
        n_key_datasets=2,
    )
    card = ScoreCard(
        methodology="odaudit Guatemala",
        methodology_version="2026.1",
        rules_hash="b" * 64,
        national_score=41.2,
        national_band="insuficiente",
        institutions=[
            InstitutionScore(
                "MINFIN",
                minfin.name,
                {
                    **_dims(
                        availability=95.6, format=80.0, license=83.3, freshness=91.7, metadata=96.7
                    ),
                    "coverage": 50.0,
                },
                90.2,
                50.0,
                74.1,
                "bueno",
                1,
                3,
                6,
                6,
            ),
            InstitutionScore(
                "SEGEPLAN",
                segeplan.name,
                {**_dims(format=70.0, license=50.0), "coverage": 50.0},
                86.5,
                50.0,
                71.9,
                "bueno",
                2,
                1,
                1,
                3,
            ),
            InstitutionScore(
                "CONRED", conred.name, {"coverage": 0.0}, None, 0.0, 0.0, "insuficiente", 3, 0, 0, 2
            ),
        ],
        datasets=[
            DatasetScore(
                "MINFIN",
                presupuesto.id,
                presupuesto.title,
                _dims(availability=86.7, metadata=90.0),
                94.0,
            ),
            DatasetScore(
                "MINFIN",
                deuda.id,
                deuda.title,
                _dims(format=40.0, license=50.0, freshness=75.0),
                76.8,
            ),
            DatasetScore("MINFIN", compras.id, compras.title, _dims(), 100.0),
            DatasetScore(
                "SEGEPLAN", informe.id, informe.title, _dims(format=70.0, license=50.0), 86.5
            ),
        ],
    )
    return RunView(MANIFEST, dict(METHODOLOGY), [minfin, segeplan, conred], card)


# Content a hostile portal could publish: every string below reaches the report.
XSS_SCRIPT = "<script>window.__pwned=1;alert(1)</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
XSS_SVG = '</title></svg><svg onload="window.__pwned=1"><script>alert(1)</script>'
XSS_ATTR = '"><script>window.__pwned=1</script>'
MD_TABLE = "a | b | c\n\n| x | y |\n---"
MD_LINK = "[haga clic](javascript:alert(1))"
MD_COMMENT = "<!-- oculto --> `rm -rf /` **negrita** # título"


def hostile_run() -> RunView:
    """One institution whose portal publishes nothing but attacks on the report."""
    resources = [
        Resource(url="javascript:alert(1)", format="<b>CSV</b>", name=XSS_SCRIPT),
        Resource(url="https://evil.example/a.csv?x=<script>&y=(1)|2", format="CSV|PDF"),
        Resource(url="data:text/html,<script>alert(1)</script>", format="HTML"),
    ]
    datasets = [
        Dataset(
            id="d1",
            title=XSS_SCRIPT,
            landing_page="javascript:alert(1)",
            license_title=XSS_ATTR,
            modified="2026-01-01<script>",
            resources=resources,
        ),
        Dataset(
            id="d2",
            title=XSS_IMG,
            landing_page="JaVaScRiPt:alert(1)",
            license_id=MD_LINK,
            resources=resources[:1],
        ),
        Dataset(
            id="d3",
            title=MD_TABLE,
            landing_page=" https://evil.example/ok?q=<x>(y)|z ",
            resources=resources[1:2],
        ),
        Dataset(id="d4", title=MD_COMMENT, landing_page="vbscript:msgbox(1)", modified=XSS_SVG),
        Dataset(id="d5", title=XSS_SVG, landing_page="//evil.example/protocol-relative"),
    ]
    findings = [
        Finding(
            "AV001",
            Severity.ERROR,
            XSS_SCRIPT,
            "EVIL",
            "d1",
            "javascript:alert(1)",
            {"url": XSS_IMG, "status": XSS_ATTR, "nested": {"x": XSS_SCRIPT}},
            XSS_IMG,
        ),
        Finding(
            "LI001", Severity.ERROR, MD_TABLE, "EVIL", "d2", None, {"license": MD_LINK}, MD_COMMENT
        ),
        Finding("MD001", Severity.INFO, MD_LINK, "EVIL", "d3", None, {"x": MD_COMMENT}, MD_TABLE),
        Finding("FM001", Severity.WARNING, XSS_SVG, "EVIL", "d4", None, {"a": XSS_SVG}),
        Finding(
            "XX999", Severity.WARNING, "unknown rule " + XSS_SCRIPT, "EVIL", "d5", None, {}, ""
        ),
    ]
    views = [DatasetView(d, {}, [f for f in findings if f.dataset_id == d.id]) for d in datasets]
    evil = InstitutionView(
        code="EVIL",
        name=XSS_SCRIPT + " | " + MD_LINK,
        sector=XSS_IMG,
        website="javascript:alert(document.cookie)",
        sources=[
            SourceResult(
                "ckan", "javascript:alert(1)", "failed", error=XSS_SCRIPT + "\n" + MD_TABLE
            ),
            SourceResult("dcat", "https://evil.example/data.json?<script>", "ok", datasets=5),
        ],
        datasets=views,
        findings=[Finding("CV001", Severity.ERROR, XSS_IMG, "EVIL", evidence={"k": XSS_SVG})],
        coverage=[
            CoverageItem("k1", XSS_SVG, CoverageStatus.FOUND, ["d1", XSS_SCRIPT]),
            CoverageItem(XSS_IMG, MD_TABLE, CoverageStatus.MISSING),
        ],
    )
    quiet = InstitutionView(code="MUNI", name="Municipalidad de Guatemala", sector="Municipal")
    card = ScoreCard(
        methodology=XSS_SCRIPT,
        methodology_version="1",
        rules_hash="c" * 64,
        national_score=12.5,
        national_band="insuficiente",
        institutions=[
            InstitutionScore(
                "EVIL",
                evil.name,
                {**_dims(availability=10.0), "coverage": 50.0},
                40.0,
                50.0,
                25.0,
                "insuficiente",
                1,
                5,
                4,
                6,
            ),
            InstitutionScore("MUNI", quiet.name, {}, None, None, 0.0, "insuficiente", 2, 0, 0, 0),
        ],
        datasets=[
            DatasetScore("EVIL", d.id, d.title, _dims(), 40.0 + i) for i, d in enumerate(datasets)
        ],
    )
    manifest = RunManifest(
        run_id=666,
        odaudit_version="0.1.0",
        started_at="2026-11-21T10:00:00Z",
        finished_at="2026-11-21T10:05:00Z",
        status="complete",
        user_agent=XSS_SCRIPT,
        institutions_path=MD_COMMENT,
        institutions_sha256=XSS_ATTR,
        command="odaudit run " + XSS_IMG,
    )
    methodology = dict(METHODOLOGY, name=XSS_SCRIPT, version=MD_TABLE)
    return RunView(manifest, methodology, [evil, quiet], card)


# --------------------------------------------------------------------------- earlier runs


def previous_run() -> RunView:
    """The realistic run a month earlier, so that against it the realistic run has:

    national 38,0 → 41,2; MINFIN 70,0 → 74,1 with one new problem (AV001), one dataset
    added (Compras y contrataciones), one removed (Series históricas 2019) and one key
    dataset lost (Planilla de salarios: found → missing); SEGEPLAN one fixed problem
    (MD001); MINECO no longer audited; CONRED unchanged.
    """
    view = realistic_run()
    view.manifest = replace(
        MANIFEST,
        run_id=6,
        started_at="2026-10-20T08:00:00+00:00",
        finished_at="2026-10-20T09:00:00+00:00",
        now="2026-10-20T08:00:00+00:00",
    )
    minfin, segeplan = view.institutions[0], view.institutions[1]
    presupuesto = minfin.datasets[0]
    presupuesto.findings = [f for f in presupuesto.findings if f.code != "AV001"]
    old = Dataset(
        id="series-2019",
        title="Series históricas 2019",
        landing_page=f"{MINFIN_CKAN}/dataset/series-2019",
        license_id="cc-by",
        resources=[Resource(url=f"{MINFIN_CKAN}/r/series.csv", format="CSV")],
    )
    minfin.datasets = [presupuesto, minfin.datasets[1], DatasetView(old, {}, [])]
    minfin.coverage[2] = CoverageItem(
        "salarios", "Planilla de salarios", CoverageStatus.FOUND, ["series-2019"]
    )
    informe = segeplan.datasets[0]
    informe.findings.append(
        Finding(
            "MD001",
            Severity.INFO,
            "La descripción tiene 4 caracteres.",
            "SEGEPLAN",
            informe.dataset.id,
            None,
            {"length": 4, "min_length": 30},
        )
    )
    view.institutions.append(
        InstitutionView(code="MINECO", name="Ministerio de Economía", sector="Economía")
    )
    assert view.scorecard is not None
    view.scorecard.national_score = 38.0
    view.scorecard.institutions[0].score = 70.0
    view.scorecard.institutions.append(
        InstitutionScore(
            "MINECO", "Ministerio de Economía", {}, None, None, 10.0, "insuficiente", 4
        )
    )
    return view


def hostile_previous_run() -> RunView:
    """The hostile run before: every change against it carries hostile text.

    d1's findings are new, d5 is added, a dataset titled with an <img> attack was
    removed, the key dataset titled MD_TABLE was found and is now missing, and an
    institution with a script in its code and name is no longer audited.
    """
    view = hostile_run()
    view.manifest = replace(view.manifest, run_id=665)
    evil = view.institutions[0]
    evil.datasets = [dv for dv in evil.datasets if dv.dataset.id not in ("d1", "d5")]
    evil.datasets.append(DatasetView(Dataset(id="d9", title=XSS_IMG), {}, []))
    evil.coverage = [
        CoverageItem("k1", XSS_SVG, CoverageStatus.FOUND, ["d1"]),
        CoverageItem(XSS_IMG, MD_TABLE, CoverageStatus.FOUND, ["d9"]),
    ]
    view.institutions.append(InstitutionView(code=XSS_ATTR, name=XSS_SCRIPT, sector=""))
    assert view.scorecard is not None
    view.scorecard.institutions.append(
        InstitutionScore(XSS_ATTR, XSS_SCRIPT, {}, None, None, 5.0, "insuficiente", 3)
    )
    return view


def store_run(store: Store, view: RunView, status: str = "complete") -> int:
    """Write `view` into `store` the way a run does; returns the new run id."""
    run_id = store.start_run(view.manifest, view.methodology)
    for position, inst in enumerate(view.institutions):
        store.add_institution(
            run_id, Institution(inst.code, inst.name, inst.sector, website=inst.website), position
        )
        for n, src in enumerate(inst.sources):
            store.add_source_result(run_id, inst.code, n, Source(src.type, src.url), src)
        for dv in inst.datasets:
            store.add_dataset(run_id, inst.code, dv.dataset, dv.probes.values(), dv.findings)
        store.add_institution_findings(run_id, inst.code, inst.findings, inst.coverage)
    if view.scorecard is not None:
        store.save_scores(run_id, view.scorecard)
    store.finish_run(run_id, status)
    return run_id
