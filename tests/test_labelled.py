"""load_labelled_sentences: your own CSV/TSV of sentences and labels, and its errors."""

import numpy as np
import pytest

from seqlab.datasets import LabelledSentences, load_labelled_sentences


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_quoted_commas_and_word_labels(tmp_path):
    path = write(tmp_path, "reviews.csv", 'label,text\npositive,"the soup was hot, and good"\n'
                 "negative,the waiter never came\n\npositive,fine\n")
    texts, labels, classes = load_labelled_sentences(path)
    assert texts.tolist() == ["the soup was hot, and good", "the waiter never came", "fine"]
    assert classes == ["negative", "positive"] and labels.dtype == np.int64
    assert labels.tolist() == [1, 0, 1]


def test_tsv_is_read_without_quoting_and_integer_labels_sort_as_numbers(tmp_path):
    path = write(tmp_path, "topics.tsv",
                 'id\ttext\tlabel\n1\tshe said "fine"\t10\n2\tno\t2\n3\tyes\t2\n')
    result = load_labelled_sentences(path)
    assert isinstance(result, LabelledSentences)
    assert result.texts.tolist() == ['she said "fine"', "no", "yes"]
    assert result.classes == ["2", "10"] and result.labels.tolist() == [1, 0, 0]


def test_given_classes_fix_the_order_and_other_columns_are_named(tmp_path):
    path = write(tmp_path, "r.csv", "sentence;stars\ngood;pos\nbad;neg\n")
    texts, labels, classes = load_labelled_sentences(
        path, "sentence", "stars", classes=["neg", "pos"], sep=";")
    assert labels.tolist() == [1, 0] and classes == ["neg", "pos"]


def test_byte_order_mark_and_another_encoding(tmp_path):
    path = write(tmp_path, "bom.csv", "label,text\n1,tr\u00e8s bien\n0,nul\n", "utf-8-sig")
    assert load_labelled_sentences(path).texts.tolist() == ["tr\u00e8s bien", "nul"]
    latin = write(tmp_path, "latin.csv", "label,text\n1,tr\u00e8s bien\n0,nul\n", "latin-1")
    assert load_labelled_sentences(latin, encoding="latin-1").texts[0] == "tr\u00e8s bien"
    with pytest.raises(ValueError, match=r"latin\.csv: not valid utf-8 text.*encoding="):
        load_labelled_sentences(latin)


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("", {}, r"r\.csv is empty: expected a header line"),
        ("review,label\ngood,1\nbad,0\n", {},
         r"no column 'text' in the header line \['review', 'label'\].*text_column="),
        ("text,stars\ngood,1\nbad,0\n", {}, r"no column 'label'.*label_column="),
        ("label\ttext\n1\tgood\n", {}, r"no column 'text' in the header line \['label\\ttext'\]"
         r".*separator ','"),
        ("label,text\n1,good\n0\n", {}, r"r\.csv, line 3: 1 field\(s\) where the header has 2"),
        ("label,text\n1,good\n,bad\n", {}, r"r\.csv, line 3: the label is empty"),
        ("label,text\n1, \n0,bad\n", {}, r"r\.csv, line 2: the text is empty"),
        ("label,text\npos,good\nneutral,ok\n", {"classes": ["neg", "pos"]},
         r"r\.csv, line 3: label 'neutral' is not one of the classes \['neg', 'pos'\]"),
        ("label,text\n1,good\n1,fine\n", {}, r"at least two classes; found only '1'"),
        ("label,text\n", {}, r"at least two classes; found no rows"),
        ('label,text\n1,"good\n', {}, r"r\.csv, line \d+: unexpected end of data"),
    ],
)
def test_bad_files_name_the_file_the_line_and_the_fix(tmp_path, text, kwargs, message):
    path = write(tmp_path, "r.csv", text)
    with pytest.raises(ValueError, match=message):
        load_labelled_sentences(path, **kwargs)
