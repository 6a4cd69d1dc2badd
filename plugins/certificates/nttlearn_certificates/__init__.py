"""nttlearn's certificates plugin: PDF certificates and verifiable Open Badges 3.0 credentials.

Issued when a learner completes a course, printed with a QR code to the public verification
page, and signed as an OpenBadgeCredential (Data Integrity proof and VC-JWT) with the
platform's Ed25519 keys.
"""
