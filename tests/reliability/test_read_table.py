"""The shared CSV reader: the documented encoding try-list, delimiters, gzip, header checks."""

from __future__ import annotations

import gzip

import pytest

from research.clean.read_table import decode_bytes, read_text_table, sniff_delimiter
from research.errors import InputError, SchemaError

TEXT = {
    "cp932": "id,word\n1,削除済み\n2,掲載中\n",
    "cp949": "id,word\n1,삭제됨\n2,게시중\n",
    "cp1252": "id,word\n1,Café\n2,naïve\n",
    "utf-8": "id,word\n1,削除済み\n2,삭제됨\n",
}


@pytest.mark.parametrize("encoding", ["cp932", "cp949", "cp1252", "utf-8"])
def test_legacy_encodings_are_found_by_the_try_list(encoding):
    text, used = decode_bytes(TEXT[encoding].encode(encoding))
    assert (text, used) == (TEXT[encoding], encoding)


@pytest.mark.parametrize(
    "data, used",
    [(b"\xef\xbb\xbf" + TEXT["utf-8"].encode(), "utf-8-sig"), (TEXT["utf-8"].encode("utf-16"), "utf-16"),
     (TEXT["utf-8"].encode("utf-16-le"), "utf-16-le"), (TEXT["utf-8"].encode("utf-16-be"), "utf-16-be")],
)
def test_byte_order_marks_and_bomless_utf16_decide_the_encoding(data, used):
    assert decode_bytes(data) == (TEXT["utf-8"], used)


def test_bytes_no_encoding_reads_are_an_input_error():
    with pytest.raises(InputError, match="save it as UTF-8"):
        decode_bytes(b"\xef\xbb\xbfok\xff\xfe", source="x.csv")  # a UTF-8 BOM promises UTF-8


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(sep):
    assert sniff_delimiter(f"a{sep}b{sep}c\n1{sep}2{sep}3\n") == sep


def test_a_gzipped_legacy_file_reads_and_reports_how(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(TEXT["cp949"].replace(",", ";").encode("cp949")))
    table = read_text_table(path)
    assert (table.encoding, table.delimiter) == ("cp949", ";")
    assert table.frame["word"].tolist() == ["삭제됨", "게시중"]


def test_cells_stay_text_and_only_empty_cells_are_missing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(" id , value \n007,n/a\n008,\n009,-\n")
    frame = read_text_table(path).frame
    assert list(frame.columns) == ["id", "value"]
    assert frame["id"].tolist() == ["007", "008", "009"]
    assert frame["value"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize(
    "content, error, row",
    [("", InputError, None), ("a,b\n1,2,3\n", InputError, 1), ('a,b\n1,"open\n', InputError, None),
     ("a,a\n1,2\n", SchemaError, 0), ("a,,c\n1,2,3\n", SchemaError, 0)],
)
def test_broken_files_are_toolkit_errors_naming_the_file(tmp_path, content, error, row):
    path = tmp_path / "broken.csv"
    path.write_text(content)
    with pytest.raises(error) as caught:
        read_text_table(path)
    assert caught.value.file == str(path)
    assert caught.value.row == row
