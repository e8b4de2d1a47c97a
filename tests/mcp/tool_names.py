"""The tools discovery mode lists, in order: one list for every test that checks what a client sees."""

DISCOVERY_TOOLS = [
    "search_interfaces",
    "describe_interface",
    "call_interface",
    "pro_bar",
    "bars",
    "compare_sources",
    "latest_quote",
]
