"""The city's state: its stocks and ledgers, its units' tables and agents, its site."""
