"""Every configuration text has zh and en: the sample hall carries real English, old files still load, stored zh
values read back in English by lookup, and lists whose English does not pair up are refused."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from queuecore.config import ConfigError, load_config, parse_config
from queuecore.model import DEFAULT_RATING_REASONS, Bundle, HallConfig, Service, WindowConfig

EXAMPLE = Path(__file__).parents[2] / "examples" / "county-hall.toml"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

OLD = '''
[hall]
name_zh = "测试大厅"
name_en = "Test Hall"
rating_reasons = ["服务态度差", "排队太乱"]
[[services]]
code = "social"
prefix = "A"
name_zh = "社保"
name_en = "Social insurance"
category = "人社"
materials = ["身份证", "社保卡"]
[[windows]]
id = 1
name_zh = "1号窗口"
name_en = "Window 1"
services = ["social"]
'''


def english_texts(cfg: HallConfig) -> list[str]:
    """Every text an English screen or ticket takes from the configuration."""
    texts = [cfg.name("en"), cfg.kiosk_notice_en, cfg.display_notice_en,
             *cfg.rating_reasons_en, *cfg.pause_reasons_en, *cfg.close_reasons_en]
    for s in cfg.services:
        texts += [s.name("en"), s.category_name("en"), *s.materials_in("en")]
    texts += [w.name_en for w in cfg.windows] + [p.name_en for p in cfg.priorities] + [o.name_en for o in cfg.outcomes]
    texts += [b.name("en", cfg) for b in cfg.bundles]
    return texts


def test_the_sample_hall_has_english_for_every_text() -> None:
    cfg = load_config(str(EXAMPLE))
    chinese = [t for t in english_texts(cfg) if CJK.search(t)]
    assert chinese == []
    for s in cfg.services:
        assert len(s.materials_en) == len(s.materials), s.code
        assert bool(s.category_en) == bool(s.category), s.code
    assert cfg.kiosk_notice_en and cfg.display_notice_en
    assert len(cfg.pause_reasons_en) == len(cfg.pause_reasons) >= 3


def test_an_old_hall_file_with_chinese_only_lists_still_loads() -> None:
    cfg = parse_config(tomllib.loads(OLD))
    # A default reason gets its known English; a hall's own reason has nothing else to fall back on.
    assert cfg.rating_reasons_en == ("Unfriendly staff", "排队太乱")
    svc = cfg.services[0]
    assert svc.category_name("en") == "人社" and svc.materials_in("en") == ("身份证", "社保卡")
    assert cfg.pause_reasons[0] == "休息" and cfg.pause_reason("休息", "en") == "Break"


def test_stored_chinese_reasons_read_back_in_english() -> None:
    cfg = load_config(str(EXAMPLE))
    assert cfg.rating_reason("服务态度差", "en") == "Unfriendly staff"
    assert cfg.rating_reason("服务态度差", "zh") == "服务态度差"
    assert cfg.pause_reason("培训", "en") == "Training"
    assert cfg.close_reason("人员不足", "en") == "Short of staff"
    # Free text never on a list stays as it was typed.
    assert cfg.close_reason("电脑坏了", "en") == "电脑坏了"
    realestate = cfg.service("realestate")
    assert realestate.material_in("完税凭证", "en") == "Tax payment certificate"


@pytest.mark.parametrize(("extra", "message"), [
    ('rating_reasons_en = ["Only one"]\n', "rating_reasons_en has 1 items, rating_reasons has 2"),
    ('pause_reasons = ["休息"]\npause_reasons_en = []\n', "pause_reasons_en has 0 items, pause_reasons has 1"),
    ('close_reasons_en = ["a", "b"]\n', "close_reasons_en has 2 items, close_reasons has 5"),
])
def test_reason_lists_whose_english_does_not_pair_up_are_refused(extra: str, message: str) -> None:
    doc = OLD.replace('rating_reasons = ["服务态度差", "排队太乱"]\n', 'rating_reasons = ["服务态度差", "排队太乱"]\n' + extra)
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(tomllib.loads(doc))


def test_materials_english_must_pair_up() -> None:
    doc = OLD.replace('materials = ["身份证", "社保卡"]', 'materials = ["身份证", "社保卡"]\nmaterials_en = ["ID card"]')
    with pytest.raises(ConfigError, match="service social: materials_en has 1 items, materials has 2"):
        parse_config(tomllib.loads(doc))


def test_a_bundle_without_an_english_name_reads_as_its_steps() -> None:
    cfg = HallConfig(name_zh="大厅", name_en="Hall", services=(
        Service(code="a", prefix="A", name_zh="营业执照", name_en="Business licence"),
        Service(code="b", prefix="B", name_zh="税务", name_en="Tax")),
        windows=(WindowConfig(id=1, name_zh="1号窗口", name_en="Window 1", services=("a", "b")),),
        bundles=(Bundle(code="x", name_zh="企业开办", steps=("a", "b")),))
    assert cfg.bundles[0].name("en", cfg) == "Business licence + Tax"
    assert cfg.bundles[0].name("zh", cfg) == "企业开办"


def test_defaults_pair_up() -> None:
    cfg = HallConfig(name_zh="大厅", name_en="Hall", services=(), windows=())
    assert len(cfg.rating_reasons_en) == len(DEFAULT_RATING_REASONS)
    assert not [t for t in cfg.rating_reasons_en + cfg.pause_reasons_en + cfg.close_reasons_en if CJK.search(t)]


def test_the_english_texts_round_trip_through_export() -> None:
    """`hallq config export` writes them back: every new field is a plain TOML string or list."""
    import tomli_w

    from queuecore.config import export_doc

    cfg = load_config(str(EXAMPLE))
    assert parse_config(tomllib.loads(tomli_w.dumps(export_doc(cfg)))) == cfg
    old = parse_config(tomllib.loads(OLD))  # the filled-in English of an old file round-trips too
    assert parse_config(tomllib.loads(tomli_w.dumps(export_doc(old)))) == old
