"""Text sources in legacy encodings: each is read in its own encoding (not guessed as
Windows-1252), its quotes check exact, the user is told which encoding was used, and a file
no encoding fits is one line, exit 2."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from .conftest import run

TEXTS = {
    "cp1251": (
        "Windows-1251",
        "Газета «Жэньминь жибао» сообщает, что правительство приняло новый план развития "
        "порта. «Мы сделали всё, что могли», — сказал мэр города во вторник вечером.",
        "Мы сделали всё, что могли",
    ),
    "iso-8859-2": (
        "ISO-8859-2",
        "Rada miasta przyjęła w środę nowy plan rozwoju portu. Burmistrz powiedział, że łódź "
        "wypłynęła z portu o świcie, a załoga była zmęczona po całej nocy na morzu.",
        "łódź wypłynęła z portu o świcie, a załoga była zmęczona",
    ),
    "shift_jis": (
        "Shift_JIS",
        "港湾委員会は火曜日、新しいクレーン四基の購入契約を承認した。市長は「できることは"
        "すべてやった」と述べた。反対派は浚渫の費用が説明されていないと批判した。",
        "新しいクレーン四基の購入契約を承認した",
    ),
    "cp1252": (
        "Windows-1252",
        "The city’s engineers said the café would reopen next year – “if the money is found”, "
        "at a cost of €2.4 million.",
        "the café would reopen next year – “if the money is found”",
    ),
}


@pytest.mark.parametrize("encoding", sorted(TEXTS))
def test_legacy_encoding_is_read_right(tmp_path: Path, encoding: str) -> None:
    name, text, quote = TEXTS[encoding]
    source = tmp_path / "source.txt"
    source.write_bytes(text.encode(encoding))
    draft = tmp_path / "draft.md"
    draft.write_text(f"The report says “{quote}”, and more.\n", encoding="utf-8")
    result = run("check", draft, "--source", source, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [q["status"] for q in report["quotes"]] == ["exact"]
    assert f"{source}: not UTF-8; read as {name}" in report["warnings"]
    chunked = run("chunk", source, "--format", "json")
    assert text in json.loads(chunked.stdout)["passages"][0]["text"]


def test_bytes_no_encoding_fits_are_one_line_exit_2(tmp_path: Path) -> None:
    rng = random.Random(7)
    source = tmp_path / "noise.txt"
    source.write_bytes(bytes(rng.randrange(1, 256) for _ in range(3000)))
    result = run("chunk", source)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"drafter: error: {source}: is not UTF-8")
    assert "Traceback" not in result.output


def test_undeclared_legacy_page_is_read_in_its_encoding() -> None:
    from drafter.sources.html import decode_html

    _, text, _ = TEXTS["cp1251"]
    page = f"<html><body><p>{text}</p></body></html>".encode("cp1251")
    assert text in decode_html(page)


@pytest.mark.parametrize(
    ("name", "sid"),
    [
        ("Жэньминь жибао", "жэньминь-жибао"),
        ("日本経済新聞", "日本経済新聞"),
        ("Café Crème", "café-crème"),
    ],
)
def test_source_id_keeps_non_ascii_letters(tmp_path: Path, name: str, sid: str) -> None:
    _, text, quote = TEXTS["cp1251"]
    source = tmp_path / f"{name}.txt"
    source.write_bytes(text.encode("cp1251"))
    chunked = run("chunk", source, "--format", "json")
    assert chunked.exit_code == 0, chunked.output
    assert json.loads(chunked.stdout)["source"]["id"] == sid
    draft = tmp_path / "draft.md"
    draft.write_text(f"The report says “{quote}”, and more.\n", encoding="utf-8")
    result = run("check", draft, "--source", source, "--format", "json")
    assert result.exit_code == 0, result.output
    (match,) = json.loads(result.stdout)["quotes"][0]["matches"]
    assert match["source"] == sid


def test_a_page_of_bytes_no_encoding_fits_and_no_markup_is_one_line_exit_2(
    tmp_path: Path,
) -> None:
    # Random bytes with no NUL in them, saved as .html: not a page in any encoding.
    rng = random.Random(11)
    page = tmp_path / "saved.html"
    page.write_bytes(bytes(rng.randrange(1, 256) for _ in range(3000)))
    result = run("chunk", page)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"drafter: error: {page}: is not UTF-8")


MIXED = (
    "The café reopened on Monday after a long winter of repairs, its owner said. " * 4
).encode() + "It cost €2 million – more than planned.".encode("cp1252")


def test_utf8_with_a_few_windows_1252_bytes_is_read_as_both(tmp_path: Path) -> None:
    # UTF-8 text with a line pasted in Windows-1252: not ISO-8859-2 ("cafĂŠ") throughout.
    source = tmp_path / "notes.txt"
    source.write_bytes(MIXED)
    draft = tmp_path / "draft.md"
    draft.write_text("The owner said “The café reopened on Monday”. “It cost €2 million – more”.\n")
    result = run("check", draft, "--source", source, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [q["status"] for q in report["quotes"]] == ["exact", "exact"]
    assert (
        f"{source}: not UTF-8 throughout; read 2 stray bytes as Windows-1252"
        in (report["warnings"])
    )


def test_an_undeclared_page_in_utf8_with_stray_bytes_is_read_as_both() -> None:
    from drafter.sources.html import source_from_html

    data = b"<html><body><article><p>" + MIXED + b"</p></article></body></html>"
    source, _ = source_from_html(data, "mixed.html")
    assert "The café reopened on Monday" in source.text
    assert "It cost €2 million – more than planned." in source.text


# Legacy encodings whose wrong readings are letters too: only the language's alphabet (or
# how much the text reads like a language) tells the right one.
MORE_TEXTS = {
    "czech": (
        "cp1250",
        "Vláda v úterý schválila nový plán rozvoje přístavu. "
        "Starosta řekl, že loď vyplula za úsvitu.",
    ),
    "hungarian": (
        "cp1250",
        "A kormány kedden új kikötőfejlesztési tervet fogadott el. "
        "A polgármester szerint a hajó hajnalban futott ki.",
    ),
    "romanian": (
        "cp1250",
        "Guvernul a aprobat marţi un nou plan de dezvoltare a portului. "
        "Primarul a spus că nava a plecat în zori.",
    ),
    "turkish": (
        "cp1254",
        "Hükümet küçük işletmeler için yeni destek önlemleri açıkladı. "
        "Uzmanlar, bu önlemlerin şirketlere yardımcı olacağını düşünüyor.",
    ),
    "lithuanian": (
        "cp1257",
        "Vyriausybė antradienį patvirtino naują uosto plėtros planą. "
        "Meras sakė, kad laivas išplaukė auštant.",
    ),
    "hebrew": (
        "cp1255",
        "הממשלה אישרה ביום שלישי תוכנית חדשה לפיתוח הנמל. ראש העיר אמר שהספינה יצאה עם שחר.",
    ),
}


@pytest.mark.parametrize("language", sorted(MORE_TEXTS))
def test_legacy_encodings_whose_wrong_readings_are_letters_too(
    tmp_path: Path, language: str
) -> None:
    encoding, text = MORE_TEXTS[language]
    source = tmp_path / "source.txt"
    source.write_bytes(text.encode(encoding))
    quote = text.split(".")[0]
    draft = tmp_path / "draft.md"
    draft.write_text(f"The report says “{quote}”, and more.\n", encoding="utf-8")
    result = run("check", draft, "--source", source, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [q["status"] for q in json.loads(result.stdout)["quotes"]] == ["exact"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    text = "Die Regierung hat neue Hilfen für kleine Unternehmen angekündigt, sagen Ökonomen."
    source = tmp_path / "source.txt"
    source.write_bytes(text.encode(encoding))
    result = run("chunk", source, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["passages"][0]["text"] == text
    assert f"{source}: not UTF-8; read as UTF-16" in result.stderr


@pytest.mark.parametrize("label", ["rot13", "base64", "hex", "zip", "idna", "undefined"])
@pytest.mark.parametrize("where", ["meta", "header"])
def test_a_charset_that_is_no_text_encoding_is_passed_over(label: str, where: str) -> None:
    # Python's codecs know these names, but decoding with them raises LookupError or
    # UnicodeError: a page (or a server's header) naming one was a traceback.
    from drafter.sources.html import decode_html

    meta = f'<meta charset="{label}">' if where == "meta" else ""
    page = f"<html><head>{meta}</head><body><p>Café “quoted”.</p></body></html>".encode()
    header = label if where == "header" else None
    assert "Café “quoted”." in decode_html(page, header)
