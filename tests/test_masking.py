"""Masking of phone, ID-card and bank-card numbers, as ASR writes them."""

from __future__ import annotations

import pytest

from audit.masking import find_pii, mask_pii


@pytest.mark.parametrize("text, masked", [
    # mobile numbers: first 3 and last 4 stay
    ("我的手机号是13812345678。", "我的手机号是138****5678。"),
    ("打138 1234 5678找我", "打138 **** 5678找我"),
    ("号码138-1234-5678", "号码138-****-5678"),
    ("+8613812345678", "+86138****5678"),
    ("电话一三八一二三四五六七八", "电话一三八****五六七八"),
    ("电话幺三九零零零零一二三四。", "电话幺三九****一二三四。"),
    ("１３８１２３４５６７８", "１３８****５６７８"),
    # grouped with commas, spaces and dashes, as the recognizer writes them
    ("号码138,1234,5678", "号码138,****,5678"),
    ("号码138, 1234, 5678。", "号码138, ****, 5678。"),
    ("号码138 - 1234 - 5678", "号码138 - **** - 5678"),
    ("号码１３８，１２３４，５６７８", "号码１３８，****，５６７８"),
    ("号码１３８　１２３４　５６７８", "号码１３８　****　５６７８"),
    ("号码１３８－１２３４－５６７８", "号码１３８－****－５６７８"),
    ("号码138–1234–5678", "号码138–****–5678"),
    ("号码一三八，一二三四，五六七八", "号码一三八，****，五六七八"),
    ("卡号6222,0212,3456,7890", "卡号****,****,****,7890"),
    ("身份证110105,19900307,1234", "身份证110105,********,1234"),
    # two numbers in one list are still two numbers
    ("13812345678，13912345678", "138****5678，139****5678"),
    ("13812345678 13912345678", "138****5678 139****5678"),
    ("电话13812345678、卡号6222021234567890", "电话138****5678、卡号************7890"),
    # 18-digit resident ID: region code and check digits stay, the birth date does not
    ("身份证110105199003071234", "身份证110105********1234"),
    ("身份证11010519900307123X号", "身份证110105********123X号"),
    ("身份证一一零一零五一九九零零三零七一二三四", "身份证一一零一零五********一二三四"),
    # 16-19 digit bank cards: only the last 4 stay
    ("卡号6222021234567890123", "卡号***************0123"),
    ("卡号6222 0212 3456 7890", "卡号**** **** **** 7890"),
    ("卡号六二二二零二一二三四五六七八九零一二三", "卡号" + "*" * 15 + "零一二三"),
])
def test_masks_personal_numbers(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text", [
    "",
    "下个月发工资就还，欠款一共三万五千元。",
    "工号三七二一",  # 4 digits
    "逾期45天，金额12345.67元",
    "订单号2026110212",  # 10 digits: not a kind we mask
    "12345678901",  # 11 digits but not a mobile prefix
    "一二三四五六七八九零一二三四",  # 14 digits
    "数字二十三",  # place-value numerals are not digit readings
    "欠款12,345.67元，逾期45天",  # an amount with a thousands separator
    "2026-11-02 10:15",
])
def test_leaves_other_text_alone(text):
    assert mask_pii(text) == text


def test_none_gives_empty_string():
    assert mask_pii(None) == ""


def test_find_pii_reports_kinds_and_positions():
    text = "手机13812345678，卡号6222021234567890，身份证110105199003071234"
    hits = find_pii(text)
    assert [h.kind for h in hits] == ["mobile", "bank_card", "id_card"]
    assert text[hits[0].start:hits[0].end] == "13812345678"


def test_x_after_a_number_that_is_not_an_id_is_kept():
    assert mask_pii("13812345678X") == "138****5678X"
