"""Which customers a view covers: the sidebar's segment, region and owner filters, as a value that
every layer passes along (storage turns it into a WHERE clause)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerFilter:
    """Which customers a view covers; an empty tuple means "all"."""

    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()

    @property
    def is_all(self) -> bool:
        return not (self.segments or self.regions or self.owners)

    def describe(self) -> str:
        parts = [
            f"{name}: {', '.join(values)}"
            for name, values in (("segment", self.segments), ("region", self.regions), ("owner", self.owners))
            if values
        ]
        return "; ".join(parts) if parts else "all customers"


ALL = CustomerFilter()
