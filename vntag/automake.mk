# vntag
