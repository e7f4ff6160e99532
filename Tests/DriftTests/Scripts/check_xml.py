"""Reads a report with Python's own XML parser: exit 1 if it is not well-formed XML or does not
hold the expected number of ELEMENT elements.

Usage: check_xml.py FILE ELEMENT COUNT
"""
import sys
import xml.etree.ElementTree as ElementTree

path, element, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    root = ElementTree.parse(path).getroot()
except ElementTree.ParseError as error:
    print(f"{path}: not XML: {error}")
    sys.exit(1)
found = len(root.findall(f".//{element}"))
if found != count:
    print(f"{path}: {found} <{element}> elements, expected {count}")
    sys.exit(1)
print(f"{path}: well-formed, {found} <{element}>")
