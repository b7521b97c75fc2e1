"""Mark the one-word AWS evidence entries that are ordinary words `ctx`.

A one-word entry without a marker counts wherever it occurs, so an ordinary word that is
also a service's name (`kinesis`, `beanstalk`, `reinvent`) showed an ordinary tweet
alone (the attacker's review of the fifth round). The rule, not a hand-picked list: a
one-word entry of five characters or more is ordinary when wordfreq gives it a Zipf
frequency of at least 2.0 (about once in ten million words) in English or in any of
German, French, Spanish, Italian, Portuguese or Dutch, or of at least 1.5 in English.
Such an entry gets the `ctx` marker: it then counts only after `aws`/`amazon`, beside
other evidence, or with another `ctx` name. Names wordfreq has barely seen
(`dynamodb`, `cloudformation`, `sagemaker`, `fargate`) stay strong alone. On the
lexicons of the fifth round it re-marks 13 entries (see the data README's sixth round);
the shipped lexicons are NOT marked: the models retrained with it did not beat the
fifth round on the development sets.

Applied in place to ../lexicons/aws-evidence.txt and ../lexicons/aws-mined.txt (run it
again after mine_aws_vocabulary.py); prints every entry it re-marks.

    /tmp/mine/bin/python crates/classifier/data/mark_ordinary_names.py
(a venv with wordfreq==3.1.1, as for mine_aws_vocabulary.py)
"""
import os

import wordfreq

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = [os.path.join(HERE, "..", "lexicons", name) for name in ("aws-evidence.txt", "aws-mined.txt")]
# Acronyms of up to four letters (`rds`, `ecs`, `ebs`, `eks`, `sqs`, `nacl`) are left strong:
# marking them too (29 entries instead of 13) cost 9 AWS tweets on the development sets
# (-4 ... -8 and dev-handwritten together, with the generator's --name-traps rows), more
# than it saved.
MIN_LEN = 4
LANGS = ("en", "de", "fr", "es", "it", "pt", "nl")


def ordinary(word):
    if wordfreq.zipf_frequency(word, "en") >= 1.5:
        return True
    return any(wordfreq.zipf_frequency(word, lang) >= 2.0 for lang in LANGS)


def main():
    moved = 0
    for path in FILES:
        out = []
        for line in open(path, encoding="utf-8"):
            body, hash_, comment = line.rstrip("\n").partition("#")
            parts = body.split()
            # One word, a strength, no marker.
            if len(parts) == 2 and parts[1].isdigit() and len(parts[0]) > MIN_LEN and ordinary(parts[0]):
                pad = body[len(body.rstrip()):]
                line = f"{parts[0]} {parts[1]} ctx{pad}{hash_}{comment}\n"
                moved += 1
                print(f"{os.path.basename(path)}: {parts[0]} {parts[1]} -> ctx")
            out.append(line)
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(out)
    print(f"{moved} entries re-marked ctx")


if __name__ == "__main__":
    main()
