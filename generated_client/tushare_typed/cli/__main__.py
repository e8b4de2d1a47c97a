"""``python -m tushare_typed.cli``: the same command as ``tushare-typed``."""

from . import main

if __name__ == "__main__":
    main()
