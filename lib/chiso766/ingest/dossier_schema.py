"""The provincial system's exports as data: dossiers, procedures, publication decisions.

Each kind is a list of :class:`Column` specs: the canonical (snake_case English) name, the
headers the provincial systems write (Vietnamese, matched with or without diacritics), the
value type, and whether the column is required. :func:`match_headers` maps a header row to
canonical names; :func:`kind_of_headers` tells which kind a header row is. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from chiso766.compute.textnorm import fold_words
from chiso766.i18n import N_

DOSSIERS, PROCEDURES, DECISIONS = "dossiers", "procedures", "decisions"
KINDS: tuple[str, ...] = (DOSSIERS, PROCEDURES, DECISIONS)
KIND_LABELS = {
    DOSSIERS: N_("administrative procedure dossiers"),
    PROCEDURES: N_("the list of administrative procedures"),
    DECISIONS: N_("decisions publishing administrative procedures"),
}
KIND_LABELS_VI = {
    DOSSIERS: "hồ sơ thủ tục hành chính",
    PROCEDURES: "danh mục thủ tục hành chính",
    DECISIONS: "quyết định công bố thủ tục hành chính",
}

# value types: text, code (an identifier kept as written), datetime, date, bool, count (an
# integer ≥ 0, blank = 0), days (an integer ≥ 0, blank = unknown), and enumerations (enum:<name>)


@dataclass(frozen=True)
class Column:
    """One column of an export: canonical name, accepted headers, type, required."""

    name: str
    headers: tuple[str, ...]
    type: str
    required: bool = False
    personal: bool = False  # citizens' personal data: masked in every output

    @property
    def label(self) -> str:
        """The header as reports print it (the first accepted form)."""
        return self.headers[0]


# Enumerations: canonical value → folded forms accepted.
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "channel": {
        "direct": ("truc tiep", "nop truc tiep", "kenh 1", "1", "direct"),
        "online": ("truc tuyen", "nop truc tuyen", "dvc truc tuyen", "kenh 2", "2", "online"),
        "post": ("buu chinh", "buu chinh cong ich", "qua buu chinh", "kenh 3", "3", "post"),
    },
    "status": {
        "in_progress": ("dang xu ly", "dang giai quyet", "in progress", "in_progress"),
        "processed": ("da xu ly xong", "da giai quyet", "da xu ly", "processed"),
        "returned": ("da tra ket qua", "returned"),
        "stopped": ("dung xu ly", "stopped"),
        "refused": ("tu choi", "tu choi giai quyet", "refused"),
        "withdrawn": ("cong dan rut ho so", "rut ho so", "withdrawn"),
    },
    "rating": {
        "satisfied": ("hai long", "rat hai long", "satisfied"),
        "unsatisfied": ("khong hai long", "unsatisfied"),
    },
    "online_level": {
        "full": ("toan trinh", "dvc toan trinh", "muc do 4", "full"),
        "partial": ("mot phan", "dvc mot phan", "muc do 3", "partial"),
        "none": ("khong", "khong cung cap", "none"),
    },
}
ENUM_LABELS_VI: dict[str, dict[str, str]] = {
    "channel": {"direct": "Trực tiếp", "online": "Trực tuyến", "post": "Bưu chính"},
    "status": {
        "in_progress": "Đang xử lý",
        "processed": "Đã xử lý xong",
        "returned": "Đã trả kết quả",
        "stopped": "Dừng xử lý",
        "refused": "Từ chối",
        "withdrawn": "Công dân rút hồ sơ",
    },
    "rating": {"satisfied": "Hài lòng", "unsatisfied": "Không hài lòng"},
    "online_level": {"full": "Toàn trình", "partial": "Một phần", "none": "Không"},
}
FINISHED_STATUSES = ("processed", "returned", "stopped", "refused", "withdrawn")
RESULT_STATUSES = ("processed", "returned")

SCHEMAS: dict[str, tuple[Column, ...]] = {
    DOSSIERS: (
        Column("dossier_id", ("Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ"), "code", True),
        Column("procedure_code", ("Mã TTHC", "Mã thủ tục", "Mã thủ tục hành chính"), "code", True),
        Column(
            "unit",
            ("Đơn vị tiếp nhận", "Cơ quan tiếp nhận", "Đơn vị", "Cơ quan giải quyết"),
            "text",
            True,
        ),
        Column("channel", ("Kênh nộp", "Hình thức nộp", "Kênh tiếp nhận"), "enum:channel", True),
        Column("received_at", ("Ngày tiếp nhận", "Thời gian tiếp nhận"), "datetime", True),
        Column("due_at", ("Ngày hẹn trả", "Ngày hẹn trả kết quả", "Hạn xử lý"), "datetime"),
        Column(
            "finished_at",
            ("Ngày kết thúc xử lý", "Ngày kết thúc", "Ngày xử lý xong", "Ngày hoàn thành"),
            "datetime",
        ),
        Column("returned_at", ("Ngày trả kết quả",), "datetime"),
        Column("status", ("Trạng thái", "Tình trạng", "Trạng thái hồ sơ"), "enum:status", True),
        Column(
            "supplement_requests",
            ("Số lần yêu cầu bổ sung", "Số lần bổ sung", "Số lần YCBS"),
            "count",
        ),
        Column(
            "supplement_requested_at",
            ("Ngày yêu cầu bổ sung", "Ngày yêu cầu bổ sung lần đầu", "Ngày YCBS"),
            "datetime",
        ),
        Column(
            "citizen_days",
            ("Số ngày công dân bổ sung", "Số ngày bổ sung", "Thời gian công dân bổ sung"),
            "count",
        ),
        Column("e_result", ("Có kết quả điện tử", "Kết quả điện tử"), "bool"),
        Column("digitised", ("Đã số hóa", "Số hóa hồ sơ", "Đã số hoá"), "bool"),
        Column(
            "reused",
            ("Tái sử dụng dữ liệu số hóa", "Tái sử dụng dữ liệu", "Tái sử dụng dữ liệu số hoá"),
            "bool",
        ),
        Column("fee", ("Phải nộp phí, lệ phí", "Có phí, lệ phí", "Phải nộp phí"), "bool"),
        Column("paid_online", ("Đã thanh toán trực tuyến", "Thanh toán trực tuyến"), "bool"),
        Column(
            "synced",
            ("Đã đồng bộ DVCQG", "Đồng bộ DVCQG", "Đã đồng bộ lên Cổng DVCQG", "Đã đồng bộ"),
            "bool",
        ),
        Column("rating", ("Đánh giá", "Đánh giá của công dân", "Mức độ hài lòng"), "enum:rating"),
        Column(
            "applicant_name",
            ("Họ tên người nộp", "Họ và tên người nộp", "Người nộp", "Chủ hồ sơ"),
            "text",
            personal=True,
        ),
        Column("phone", ("Số điện thoại", "Điện thoại", "SĐT"), "text", personal=True),
        Column(
            "id_number",
            ("Số giấy tờ", "Số CCCD", "Số căn cước", "Số giấy tờ tùy thân", "Số định danh"),
            "text",
            personal=True,
        ),
    ),
    PROCEDURES: (
        Column("procedure_code", ("Mã TTHC", "Mã thủ tục", "Mã thủ tục hành chính"), "code", True),
        Column(
            "procedure_name", ("Tên TTHC", "Tên thủ tục", "Tên thủ tục hành chính"), "text", True
        ),
        Column("level", ("Cấp thực hiện", "Cấp giải quyết"), "text"),
        Column(
            "legal_days",
            (
                "Thời hạn giải quyết (ngày làm việc)",
                "Thời hạn giải quyết",
                "Thời gian giải quyết (ngày làm việc)",
                "Số ngày giải quyết",
            ),
            "days",
            True,
        ),
        Column(
            "online_level",
            ("Mức độ DVCTT", "Mức độ dịch vụ công trực tuyến", "Mức độ DVC"),
            "enum:online_level",
        ),
        Column("has_fee", ("Có phí, lệ phí", "Có phí", "Phí, lệ phí"), "bool"),
        Column(
            "paper_result",
            ("Trả kết quả bản giấy", "Kết quả bản giấy", "Có kết quả bản giấy"),
            "bool",
        ),
    ),
    DECISIONS: (
        Column(
            "ministry_decision",
            (
                "Quyết định công bố của bộ, ngành",
                "Số quyết định của bộ",
                "Quyết định của bộ",
                "Số QĐ của bộ",
            ),
            "code",
            True,
        ),
        Column(
            "ministry_decision_date",
            ("Ngày quyết định của bộ", "Ngày ban hành quyết định của bộ", "Ngày QĐ của bộ"),
            "date",
        ),
        Column(
            "effective_date",
            ("Ngày hiệu lực", "Ngày có hiệu lực", "Ngày hiệu lực của văn bản"),
            "date",
            True,
        ),
        Column(
            "decision_number",
            (
                "Quyết định công bố của tỉnh",
                "Số quyết định công bố",
                "Số quyết định của tỉnh",
                "Số QĐ công bố",
            ),
            "code",
        ),
        Column(
            "decision_date",
            ("Ngày quyết định công bố", "Ngày quyết định của tỉnh", "Ngày QĐ công bố"),
            "date",
        ),
        Column("published_at", ("Ngày công khai", "Ngày công khai trên CSDL"), "date"),
        Column(
            "advising_unit", ("Đơn vị tham mưu", "Cơ quan tham mưu", "Đơn vị trình"), "text", True
        ),
        Column(
            "procedures",
            ("Các TTHC", "Mã TTHC", "Thủ tục hành chính", "Danh sách TTHC"),
            "text",
        ),
    ),
}


def columns(kind: str) -> tuple[Column, ...]:
    return SCHEMAS[kind]


def _header_forms(col: Column) -> set[str]:
    forms = {fold_words(h) for h in col.headers}
    forms.add(fold_words(col.name.replace("_", " ")))
    return forms


_LOOKUP: dict[str, dict[str, str]] = {
    kind: {form: col.name for col in cols for form in _header_forms(col)}
    for kind, cols in SCHEMAS.items()
}


def canonical_header(kind: str, header: str) -> str | None:
    """The canonical column a header names in ``kind`` ('Ngay tiep nhan' → 'received_at')."""
    if header is None:
        return None
    return _LOOKUP[kind].get(fold_words(str(header)))


def match_headers(kind: str, headers: list[str]) -> dict[int, str]:
    """Column position → canonical name, for the headers of ``kind`` found in ``headers``."""
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        name = canonical_header(kind, h) if h else None
        if name is not None:
            out[i] = name
    return out


# the columns that tell a kind apart (all must be present)
_SIGNATURE = {
    DOSSIERS: ("dossier_id", "received_at"),
    DECISIONS: ("effective_date", "advising_unit"),
    PROCEDURES: ("procedure_code", "procedure_name"),
}


def kind_of_headers(headers: list[str]) -> str | None:
    """Which export a header row is (dossiers, decisions, procedures), else None."""
    for kind in (DOSSIERS, DECISIONS, PROCEDURES):
        found = set(match_headers(kind, headers).values())
        if all(c in found for c in _SIGNATURE[kind]):
            return kind
    return None


def parse_enum(name: str, text: str) -> str | None:
    """The canonical value of an enumeration cell, None if not recognised."""
    key = fold_words(text)
    for value, forms in ENUMS[name].items():
        if key in forms:
            return value
    return None


def enum_label(name: str, value: str | None) -> str:
    """The Vietnamese label of a canonical enumeration value ('' for None)."""
    if value is None:
        return ""
    return ENUM_LABELS_VI[name].get(value, value)
