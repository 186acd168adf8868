"""Services: every function that reads or writes the database on behalf of a page, the board pack
or a notebook. Each one reads through ``cs_metrics.storage``, computes with the pure metric
modules, and returns plain values, frames or dataclasses. Writes validate their input here,
before storage writes it in one transaction.

Floors (an import never runs back up): pages and ``ui`` call services; services call charts,
metric modules and storage; metric modules and storage never import each other; all of them
stand on the ground floor (``errors``, ``period``, ``vocab``, ``stats``, ``formatting``,
``default_health_model``).
"""
