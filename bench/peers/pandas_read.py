"""Peer reader for the benchmark: pandas.read_csv. Prints the number of rows."""
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1])
print(len(df))
