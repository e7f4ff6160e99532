#!/usr/bin/env python3
"""Checks a PNG a renderer drew: its size, that it is not blank, and that given colours show.

Usage: check_png.py IMAGE.png --size WIDTH x HEIGHT [--colours #rrggbb,#rrggbb,...]

The PNG is decoded with the drift report checker's decoder (zlib and the five filter types,
Tests/DriftTests/Scripts/check_html_report.py), composited over white. It must be exactly the
size given, at least 1% of its pixels must not be white, and each colour given must cover at
least 40 pixels (within a small distance, for anti-aliasing). Prints the counts and `ok`; exits
1 with the failed check. Python 3 standard library only.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "DriftTests", "Scripts"))
import check_html_report as png  # noqa: E402

MIN_INKED = 0.01
MIN_COLOUR = 40


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("image")
    arguments.add_argument("--size", required=True, help="WIDTHxHEIGHT")
    arguments.add_argument("--colours", default="")
    options = arguments.parse_args()
    try:
        width, height, channels, rows = png.decode_png(options.image)
        expected = tuple(int(n) for n in options.size.split("x"))
        if (width, height) != expected:
            png.fail(f"size {width}x{height}, expected {expected[0]}x{expected[1]}")
        print(f"size {width}x{height}", flush=True)
        histogram = png.colour_histogram(rows, channels)
        inked = sum(n for colour, n in histogram.items() if colour != (255, 255, 255))
        if inked < MIN_INKED * width * height:
            png.fail(f"blank: {inked} of {width * height} pixels are not white")
        print(f"{inked} pixels not white, {len(histogram)} colours", flush=True)
        for colour in filter(None, options.colours.split(",")):
            target = tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
            count = png.near(histogram, target)
            if count < MIN_COLOUR:
                png.fail(f"{colour}: {count} pixels, expected at least {MIN_COLOUR}")
            print(f"{colour}: {count} pixels", flush=True)
    except png.CheckFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr, flush=True)
        return 1
    print("ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
