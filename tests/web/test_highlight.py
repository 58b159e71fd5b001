from types import SimpleNamespace

from factcheck.web.highlight import paragraphs_with_claims


def claim(i, start, end):
    return SimpleNamespace(id=i, start=start, end=end)


def test_segments_join_back_to_each_paragraph():
    body = "One fact. Two opinions.\n\nThird fact here."
    claims = [claim(1, 0, 9), claim(3, 25, 41)]
    paras = paragraphs_with_claims(body, claims)
    assert ["".join(s.text for s in p) for p in paras] == ["One fact. Two opinions.", "Third fact here."]
    assert [s.claim.id for p in paras for s in p if s.claim] == [1, 3]


def test_overlapping_spans_never_duplicate_text():
    body = "Alpha beta gamma."
    paras = paragraphs_with_claims(body, [claim(1, 0, 10), claim(2, 6, 17)])
    assert "".join(s.text for s in paras[0]) == body


def test_blank_paragraphs_are_dropped():
    assert paragraphs_with_claims("A.\n\n   \n\nB.", []) == [[paragraphs_with_claims("A.", [])[0][0]],
                                                          [paragraphs_with_claims("B.", [])[0][0]]]
