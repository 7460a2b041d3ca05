"""Phase 3: the due-diligence screen - which centres involve an organisation on a register.

A *register* is a list of organisations kept by someone else (an export-control list, a
tracker, an office's own watch-list). The package reads register files (:mod:`.read`), cleans
them and resolves their names to the organisation registry (:mod:`.clean`, :mod:`.schemas`),
screens the cleaned centres against them (:mod:`.findings`), and draws the chapter's chart and
tables (:mod:`.charts`). ``python -m pipeline registers --help`` runs the same steps (:mod:`.cli`).

Public API::

    from pipeline.registers import clean_registers, screen
    result = clean_registers(["data/raw/registers/public_lists.csv"])
    s = screen(result.entries, centres, centre_partners, organisations, sectors)
    s.listed, s.by_list, s.by_sector, s.by_year, s.unmatched, s.review, s.findings

A listing is a fact about a list, not a judgement by this project: the screen reports which
partners appear on which list, with the list's own category, date and source.
"""

from pipeline.registers.clean import RegisterResult, clean_registers, write_outputs
from pipeline.registers.findings import Screen, registers_findings, screen
from pipeline.registers.read import RegistersInputError, read_register

__all__ = [
    "RegisterResult",
    "RegistersInputError",
    "Screen",
    "clean_registers",
    "read_register",
    "registers_findings",
    "screen",
    "write_outputs",
]
