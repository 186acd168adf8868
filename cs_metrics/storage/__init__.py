"""Storage: SQLModel tables, engine and migrations, query functions, imports and the demo company."""
