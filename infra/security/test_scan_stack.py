import unittest

import scan_stack


class FindTest(unittest.TestCase):
    def test_finds_every_kind_and_reports_only_its_shape(self):
        key = "rk_live_" + "A1b2" * 6
        data = f'{{"a": "{key}", "b": "whsec_{"x" * 20}", "c": "sk_test_{"9" * 24}"}}'.encode()
        hits = scan_stack.find("t/pk/sk.x", data)
        self.assertEqual(
            [h.shape for h in hits],
            ["rk_live_… (32 chars)", "whsec_… (26 chars)", "sk_test_… (32 chars)"],
        )
        self.assertTrue(all(key not in h.shape for h in hits))

    def test_finds_a_jwt(self):
        token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ"
        self.assertEqual(len(scan_stack.find("w", token.encode())), 1)

    def test_leaves_fingerprints_ids_and_prefixes_alone(self):
        harmless = b'{"fingerprint": "9f86d081884c7d65", "id": "rk_test_", "k": "sk_test_short"}'
        self.assertEqual(scan_stack.find("w", harmless), [])

    def test_walks_nested_attribute_values(self):
        item = {"M": {"inner": {"L": [{"S": "ok"}, {"B": b"rk_test_" + b"z" * 20}]}}}
        found = [h for v in scan_stack.values(item) for h in scan_stack.find("w", v)]
        self.assertEqual(len(found), 1)


if __name__ == "__main__":
    unittest.main()
