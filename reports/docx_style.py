"""The look of bulletin.docx as a Chinese office document, in OOXML that python-docx does not write.

python-docx starts from a template made for English Word: theme fonts, `w:lang eastAsia="en-US"`
(Word and LibreOffice then pick Japanese glyph forms and narrow Latin quotation marks), a blue
rule under the Title style, core properties saying python-docx wrote it in 2013. This module
replaces those with the conventions of the federation's documents: the language is zh-CN, text is
宋体 (a serif) and headings 黑体, the title has its own style, every page carries its number, a
table repeats its header row on each page and never splits a row, a picture has alt text.

Machines without 宋体/黑体 (Linux, the PDF converter) map them to Noto Serif CJK SC / Noto Sans CJK
SC (reports/pdf_export.py tells fontconfig so); Word and WPS on Windows have them.
"""

from __future__ import annotations

import datetime as dt

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

LATIN_FONT = "Times New Roman"
HEADING_LATIN_FONT = "Arial"  # digits in a 黑体 heading in a sans-serif too
TEXT_FONT = "宋体"  # SimSun; Noto Serif CJK SC where it is missing
HEADING_FONT = "黑体"  # SimHei; Noto Sans CJK SC where it is missing
LANGUAGE = "zh-CN"
# Latin text (digits, %) is marked English: LibreOffice's Chinese line breaking would break 6.4|%.
WESTERN_LANGUAGE = "en-US"
ACCENT = RGBColor(0xB3, 0x26, 0x1E)
INK = RGBColor(0x1D, 0x1D, 0x1F)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_SHADE = "EDEDED"

TITLE_STYLE = "公报标题"
SUBTITLE_STYLE = "公报副题"
BLOCK_HEAD_STYLE = "小标题"
BODY_STYLE = "公报正文"
CAPTION_STYLE = "图注"
PICTURE_STYLE = "图片"
TABLE_TEXT_STYLE = "表格文字"


def _fonts(rpr, latin: str, east_asian: str) -> None:
    """Name the fonts outright (no theme fonts: they would win over the names)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme") or attribute.endswith("theme"):
            del fonts.attrib[attribute]
    for name, value in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asian)):
        fonts.set(qn(f"w:{name}"), value)


def _language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), WESTERN_LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def east_asian_font(run_or_style, font: str) -> None:
    """Set w:eastAsia (python-docx's font.name sets the Latin names only)."""
    run_or_style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _defaults(document) -> None:
    """docDefaults: 宋体 / Times New Roman, 12 pt, language zh-CN; the settings' theme language too."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, LATIN_FONT, TEXT_FONT)
    _language(rpr)
    for old in document.styles.element.iter(qn("w:rFonts")):  # theme fonts in the built-in styles
        for attribute in [a for a in old.attrib if a.lower().endswith("theme")]:
            del old.attrib[attribute]
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), WESTERN_LANGUAGE)
        theme_language.set(qn("w:eastAsia"), LANGUAGE)


def _paragraph_style(document, name: str, *, base: str = "Normal"):
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def _look(style, *, size: float, font: str = TEXT_FONT, bold: bool = False, colour: RGBColor = INK) -> None:
    latin = HEADING_LATIN_FONT if font == HEADING_FONT else LATIN_FONT
    style.font.name, style.font.size, style.font.bold = latin, Pt(size), bold
    style.font.color.rgb = colour
    _fonts(style.element.get_or_add_rPr(), latin, font)


def _spacing(style, *, before: float = 0, after: float = 0, line: float | None = None, keep: bool = False) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing = line
    fmt.keep_with_next = keep
    if keep:
        fmt.keep_together = True


def set_up_styles(document) -> None:
    """The document's styles: Normal, the title, block headings, body text, headings 1–2 (指标一览,
    图表, 数据说明; kept as Word's headings so the navigation pane lists them), captions, table text."""
    _defaults(document)
    normal = document.styles["Normal"]
    _look(normal, size=12)
    _spacing(normal, after=0)
    _look(_paragraph_style(document, TITLE_STYLE), size=24, font=HEADING_FONT, bold=True, colour=ACCENT)
    title = document.styles[TITLE_STYLE]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(title, before=6, after=12, keep=True)
    subtitle = _paragraph_style(document, SUBTITLE_STYLE)
    _look(subtitle, size=15, font=HEADING_FONT, bold=True)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(subtitle, after=6, keep=True)
    for name, size, before in (("Heading 1", 15, 18), ("Heading 2", 13, 12)):
        style = document.styles[name]
        _look(style, size=size, font=HEADING_FONT, bold=True)
        _spacing(style, before=before, after=6, keep=True)
    block_head = _paragraph_style(document, BLOCK_HEAD_STYLE, base="Heading 2")
    _look(block_head, size=14, font=HEADING_FONT, bold=True, colour=ACCENT)
    _spacing(block_head, before=14, after=6, line=1.25, keep=True)
    body = _paragraph_style(document, BODY_STYLE)
    body.paragraph_format.first_line_indent = Pt(24)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _spacing(body, after=0, line=1.5)
    picture = _paragraph_style(document, PICTURE_STYLE)
    picture.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(picture, before=10, after=2, keep=True)  # the caption stays under its chart
    caption = _paragraph_style(document, CAPTION_STYLE)
    _look(caption, size=9, colour=GREY)
    _spacing(caption, after=8, line=1.15)
    table_text = _paragraph_style(document, TABLE_TEXT_STYLE)
    _look(table_text, size=9.5)
    _spacing(table_text, after=0, line=1.1)
    bullet = document.styles["List Bullet"]
    _spacing(bullet, after=3, line=1.25)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end runs."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            run.text = text


def page_numbers(section) -> None:
    """第 n 页 共 m 页, centred in the footer of every page."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")
    for run in footer.runs:
        run.font.size = Pt(9)


def _property(parent, tag: str):
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def table_rows_stay_whole(table) -> None:
    """Header row repeated on every page (w:tblHeader), no row split across pages (w:cantSplit)."""
    for i, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        _property(properties, "w:cantSplit")
        if i == 0:
            _property(properties, "w:tblHeader")


def shade(cell, fill: str = HEADER_SHADE) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = _property(properties, "w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)


def no_wrap(cell) -> None:
    """Keep a short cell (同比: 提高3.29个百分点) on one line."""
    _property(cell._tc.get_or_add_tcPr(), "w:noWrap")


def describe_picture(inline_shape, title: str, description: str) -> None:
    """Alt text (wp:docPr title and descr) for a screen reader and for Word's 可选文字."""
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("title", title)
    doc_pr.set("descr", description)


def core_properties(document, *, title: str, subject: str, author: str, created: dt.datetime) -> None:
    """Title, the federation as author, created = the run's time (python-docx's template says
    python-docx, 2013-12-23, "generated by python-docx")."""
    properties = document.core_properties
    properties.title, properties.subject = title, subject
    properties.author = properties.last_modified_by = author
    properties.created = properties.modified = created
    properties.comments, properties.keywords = "", "数说工会；统计公报"
    properties.category, properties.language = "统计公报", LANGUAGE
    properties.revision = 1
    properties.last_printed = created
