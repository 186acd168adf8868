"""Which customers a view covers: the sidebar's segment, region and owner filters, as a value that
every layer passes along (storage turns it into a WHERE clause)."""

from __future__ import annotations

from dataclasses import dataclass

from cs_metrics.i18n import _


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
            _("{name}: {values}").format(name=name, values=", ".join(values))
            for name, values in ((_("segment"), self.segments), (_("region"), self.regions), (_("owner"), self.owners))
            if values
        ]
        return "; ".join(parts) if parts else _("all customers")


ALL = CustomerFilter()
