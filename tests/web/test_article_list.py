"""The Articles page searched and filtered (headline, outlet, date, who brought it in, evidence), pages keeping
the filter; the dashboard's bars open the matching queue."""
import re
from datetime import date

from sqlmodel import select

from factcheck.models import Capture, Source
from factcheck.services import review, sources
from tests.builders import article, claims_of


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/articles/\d+"><bdi>([^<]+)</bdi></a>', html)


def _bring_in(session, who, title, *, outlet="", published=None):
    a = article(session, by=who, title=title, body="The council spent $5 million on 14 new buses in 2024.")
    a.outlet, a.published_on = outlet, published
    session.add(a)
    session.commit()
    return a


def _cite(session, people, a, *, archived: bool):
    c = next(c for c in claims_of(session, a) if c.status == "new")
    review.assign(session, claim=c, assignee=people["carl"], actor=people["eve"], expected_version=c.version)
    src = sources.add_source(session, claim=c, url="https://stats.example.org/buses", actor=people["carl"])
    session.flush()
    if archived:
        cap = session.exec(select(Capture).where(Capture.source_id == src.id)).one()
        cap.state = "done"
        session.add(cap)
    session.commit()
    return src


def test_search_and_filters(as_user, session, people):
    eve, ada = people["eve"], people["ada"]
    gazette = _bring_in(session, eve, "Buses for the north", outlet="Port Alder Gazette", published=date(2025, 3, 1))
    herald = _bring_in(session, ada, "Bus fares frozen", outlet="Harbour Herald", published=date(2025, 6, 1))
    plain = _bring_in(session, eve, "Library hours cut", outlet="Harbour Herald", published=date(2025, 7, 1))
    _cite(session, people, gazette, archived=True)
    _cite(session, people, herald, archived=False)
    page = as_user("eve")
    everything = page.get("/articles/").get_data(as_text=True)
    assert set(titles(everything)) == {"Buses for the north", "Bus fares frozen", "Library hours cut"}
    assert 'aria-label="Find articles"' in everything

    def found(query: str) -> set[str]:
        return set(titles(page.get(f"/articles/?{query}").get_data(as_text=True)))

    assert found("q=bus") == {"Buses for the north", "Bus fares frozen"}
    assert found("q=BUS+fares") == {"Bus fares frozen"}
    assert found("outlet=harbour+herald") == {"Bus fares frozen", "Library hours cut"}
    assert found("from=2025-05-01") == {"Bus fares frozen", "Library hours cut"}
    assert found("from=2025-05-01&to=2025-06-30") == {"Bus fares frozen"}
    assert found(f"by={ada.id}") == {"Bus fares frozen"}
    assert found("evidence=archived") == {"Buses for the north"}
    assert found("evidence=missing") == {"Bus fares frozen"}
    assert found("evidence=none") == {"Library hours cut"}
    assert "No article matches these filters" in page.get("/articles/?q=zebra").get_data(as_text=True)
    bad = page.get("/articles/?from=yesterday").get_data(as_text=True)
    assert "Give dates as YYYY-MM-DD" in bad and len(titles(bad)) == 3
    assert plain.id


def test_pages_keep_the_filter(as_user, session, people):
    for i in range(27):
        _bring_in(session, people["eve"], f"Story {i}", outlet="Port Alder Gazette")
    _bring_in(session, people["eve"], "Elsewhere", outlet="Harbour Herald")
    html = as_user("eve").get("/articles/?outlet=Port+Alder+Gazette").get_data(as_text=True)
    assert "Page 1 of 2" in html and "Elsewhere" not in html
    nxt = re.search(r'href="([^"]*page=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "outlet=Port+Alder+Gazette" in nxt
    second = as_user("eve").get(nxt).get_data(as_text=True)
    assert "Story 0<" in second and "Elsewhere" not in second


def test_dashboard_bars_open_the_matching_queue(as_user, session, people):
    a = _bring_in(session, people["eve"], "Buses for the north")
    _cite(session, people, a, archived=True)
    html = as_user("eve").get("/dashboard").get_data(as_text=True)
    links = re.search(r'<p class="small mb-0 mt-2 chart-links">.*?</p>', html, re.S).group(0)
    assert '<a href="/queue?status=in_progress"><bdi>in progress</bdi> (1)</a>' in links
    assert re.search(r'<a href="/queue\?(assignee=carl&amp;status=in_progress|status=in_progress&amp;assignee=carl)">'
                     r'<bdi>Carl, in progress</bdi> \(1\)</a>', html)
    queue = as_user("eve").get("/queue?assignee=carl&status=in_progress").get_data(as_text=True)
    assert "$5 million" in queue
