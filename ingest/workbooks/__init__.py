"""The workbooks written for people: templates, 整改清单, 提交情况, and how every workbook looks."""
