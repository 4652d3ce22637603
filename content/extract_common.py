"""What both guidebook extraction scripts share: where the source is, and how broken lines are joined."""
import os, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, 'content', 'source', '000_a9800e5c1bca7fa2.txt')


def read_source():
    return open(SOURCE, encoding='utf-8').read().split('\n')


def join(parts):
    """PDF line joins: Japanese text wraps without spaces; keep a space only between ASCII words."""
    out = ''
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and re.search(r'[A-Za-z0-9]$', out) and re.match(r'[A-Za-z0-9]', p):
            out += ' '
        out += p
    return out
