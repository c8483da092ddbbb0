"""Obviously fake personal data for the demo shop's customers.

Names are drawn from lists of common Japanese surnames and given names, so
many customers share a name with many real people; what marks every record as
fake is the contact data: emails are on the reserved example.com / example.jp
domains and phone numbers start with the impossible prefix 000.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FAKE_EMAIL_DOMAINS = ("example.com", "example.jp")
FAKE_PHONE_PREFIX = "000"
FEMALE_SHARE = 0.85  # the brand's customers are mostly women

# (kanji, romaji, relative frequency)
SURNAMES = (
    ("佐藤", "sato", 18.7), ("鈴木", "suzuki", 17.9), ("高橋", "takahashi", 14.1), ("田中", "tanaka", 13.3),
    ("伊藤", "ito", 10.8), ("渡辺", "watanabe", 10.7), ("山本", "yamamoto", 10.7), ("中村", "nakamura", 10.5),
    ("小林", "kobayashi", 10.4), ("加藤", "kato", 8.9), ("吉田", "yoshida", 8.3), ("山田", "yamada", 8.1),
    ("佐々木", "sasaki", 6.8), ("山口", "yamaguchi", 6.4), ("松本", "matsumoto", 6.3), ("井上", "inoue", 6.1),
    ("木村", "kimura", 5.7), ("林", "hayashi", 5.3), ("斎藤", "saito", 5.2), ("清水", "shimizu", 5.1),
    ("山崎", "yamazaki", 4.8), ("森", "mori", 4.6), ("池田", "ikeda", 4.4), ("橋本", "hashimoto", 4.4),
    ("阿部", "abe", 4.3), ("石川", "ishikawa", 4.1), ("山下", "yamashita", 4.0), ("中島", "nakajima", 3.9),
    ("石井", "ishii", 3.8), ("小川", "ogawa", 3.8), ("前田", "maeda", 3.7), ("岡田", "okada", 3.6),
    ("長谷川", "hasegawa", 3.6), ("藤田", "fujita", 3.5), ("後藤", "goto", 3.5), ("近藤", "kondo", 3.4),
)
FEMALE_NAMES = (
    ("花子", "hanako"), ("恵子", "keiko"), ("裕子", "yuko"), ("美香", "mika"), ("真由美", "mayumi"),
    ("久美子", "kumiko"), ("直美", "naomi"), ("陽子", "yoko"), ("智子", "tomoko"), ("由美", "yumi"),
    ("明美", "akemi"), ("幸子", "sachiko"), ("典子", "noriko"), ("さくら", "sakura"), ("美咲", "misaki"),
    ("彩", "aya"), ("愛", "ai"), ("麻衣", "mai"), ("優子", "yuko"), ("香織", "kaori"),
    ("里美", "satomi"), ("千尋", "chihiro"), ("奈々", "nana"), ("結衣", "yui"), ("沙織", "saori"),
    ("舞", "mai"), ("朋美", "tomomi"), ("理恵", "rie"), ("加奈子", "kanako"), ("絵美", "emi"),
)
MALE_NAMES = (
    ("太郎", "taro"), ("健一", "kenichi"), ("誠", "makoto"), ("大輔", "daisuke"), ("浩二", "koji"),
    ("直樹", "naoki"), ("翔太", "shota"), ("拓也", "takuya"), ("剛", "tsuyoshi"), ("隆", "takashi"),
)

# (prefecture, population in 10,000s, 2020 census, rounded)
PREFECTURES = (
    ("北海道", 522), ("青森県", 124), ("岩手県", 121), ("宮城県", 230), ("秋田県", 96), ("山形県", 107),
    ("福島県", 183), ("茨城県", 287), ("栃木県", 193), ("群馬県", 194), ("埼玉県", 734), ("千葉県", 628),
    ("東京都", 1405), ("神奈川県", 924), ("新潟県", 220), ("富山県", 103), ("石川県", 113), ("福井県", 77),
    ("山梨県", 81), ("長野県", 205), ("岐阜県", 198), ("静岡県", 363), ("愛知県", 754), ("三重県", 177),
    ("滋賀県", 141), ("京都府", 258), ("大阪府", 884), ("兵庫県", 547), ("奈良県", 132), ("和歌山県", 92),
    ("鳥取県", 55), ("島根県", 67), ("岡山県", 189), ("広島県", 280), ("山口県", 134), ("徳島県", 72),
    ("香川県", 95), ("愛媛県", 133), ("高知県", 69), ("福岡県", 514), ("佐賀県", 81), ("長崎県", 131),
    ("熊本県", 174), ("大分県", 112), ("宮崎県", 107), ("鹿児島県", 159), ("沖縄県", 147),
)


def weighted_pick(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    """Indices drawn with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def digits(values: np.ndarray, width: int) -> pa.Array:
    """Zero-padded decimal strings of non-negative integers."""
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width=width, padding="0")


def fake_names(rng: np.random.Generator, n: int) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Full names ("佐藤　花子") with the romaji of the given name and surname."""
    surname = weighted_pick(rng, [s[2] for s in SURNAMES], n)
    given_pool = FEMALE_NAMES + MALE_NAMES
    female = rng.random(n) < FEMALE_SHARE
    given = np.where(
        female,
        rng.integers(0, len(FEMALE_NAMES), size=n),
        len(FEMALE_NAMES) + rng.integers(0, len(MALE_NAMES), size=n),
    )
    surname_kanji = pa.array([s[0] for s in SURNAMES]).take(surname)
    surname_romaji = pa.array([s[1] for s in SURNAMES]).take(surname)
    given_kanji = pa.array([g[0] for g in given_pool]).take(given)
    given_romaji = pa.array([g[1] for g in given_pool]).take(given)
    return pc.binary_join_element_wise(surname_kanji, given_kanji, "　"), given_romaji, surname_romaji


def fake_emails(rng: np.random.Generator, given: pa.Array, surname: pa.Array, serial: np.ndarray) -> pa.Array:
    """Emails like "hanako.sato123@example.jp": unique by serial, on reserved domains."""
    domain = pa.array(FAKE_EMAIL_DOMAINS).take(rng.integers(0, len(FAKE_EMAIL_DOMAINS), size=len(serial)))
    local = pc.binary_join_element_wise(given, ".", surname, pc.cast(pa.array(serial), pa.string()), "")
    return pc.binary_join_element_wise(local, domain, "@")


def fake_phones(rng: np.random.Generator, n: int) -> pa.Array:
    """Phone numbers like "000-1234-5678": the 000 prefix does not exist in Japan."""
    middle = digits(rng.integers(0, 10_000, size=n), 4)
    last = digits(rng.integers(0, 10_000, size=n), 4)
    return pc.binary_join_element_wise(FAKE_PHONE_PREFIX, middle, last, "-")


def fake_prefectures(rng: np.random.Generator, n: int) -> pa.Array:
    """Prefectures weighted by population."""
    return pa.array([p[0] for p in PREFECTURES]).take(weighted_pick(rng, [p[1] for p in PREFECTURES], n))


def fake_people(rng: np.random.Generator, n: int) -> dict[str, pa.Array]:
    """Name, phone, email and prefecture of ``n`` customers, as Arrow columns."""
    name, given, surname = fake_names(rng, n)
    return {
        "name": name,
        "phone": fake_phones(rng, n),
        "email": fake_emails(rng, given, surname, np.arange(1, n + 1)),
        "prefecture": fake_prefectures(rng, n),
    }
